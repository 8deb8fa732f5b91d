package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/offices"
	"github.com/dvcbot/dvcbot/store/storetest"
)

// staticOffices is a fixed office directory.
type staticOffices struct{ dir *offices.Directory }

func (s staticOffices) Directory(context.Context) (*offices.Directory, error) { return s.dir, nil }

var _ bot.OfficeDirectory = staticOffices{}

// monday0800 is Monday 7 December 2026, 08:00 in Vietnam.
var monday0800 = time.Date(2026, 12, 7, 8, 0, 0, 0, offices.Vietnam)

type officeFixture struct {
	engine *bot.Engine
	now    time.Time
}

func newOfficeEngine(t *testing.T) *officeFixture {
	t.Helper()
	sample, err := offices.Sample()
	if err != nil {
		t.Fatal(err)
	}
	db := storetest.New(t)
	ix := index(t)
	e, err := bot.New(bot.Config{Searcher: ix, Normalizer: ix, Procedures: ix, Sessions: db.Sessions(), Offices: staticOffices{offices.NewDirectory(sample)}})
	if err != nil {
		t.Fatal(err)
	}
	return &officeFixture{engine: e, now: monday0800}
}

func (f *officeFixture) send(t *testing.T, chat string, m bot.Message) bot.Response {
	t.Helper()
	m.Channel, m.ChatID, m.At = bot.ChannelWeb, chat, f.now
	r, err := f.engine.Handle(context.Background(), m)
	if err != nil {
		t.Fatalf("Handle(%+v): %v", m, err)
	}
	if len(r.Replies) == 0 || r.Replies[0].Text == "" {
		t.Fatalf("Handle(%+v): empty reply", m)
	}
	return r
}

func (f *officeFixture) say(t *testing.T, chat, text string) bot.Response {
	t.Helper()
	return f.send(t, chat, bot.Message{Text: text})
}

func mustContain(t *testing.T, what, text string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(text, p) {
			t.Errorf("%s: %q missing from\n%s", what, p, text)
		}
	}
}

func mustNotContain(t *testing.T, what, text string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if strings.Contains(text, p) {
			t.Errorf("%s: %q should not be in\n%s", what, p, text)
		}
	}
}

func TestAgencyAsksCommuneOnceThenNamesTheDesk(t *testing.T) {
	f := newOfficeEngine(t)
	r := f.say(t, "a1", "đăng ký khai sinh ở đâu")
	if r.ProcedureID != "dang-ky-khai-sinh" || r.Section != bot.SectionAgency {
		t.Fatalf("first answer %s/%s", r.ProcedureID, r.Section)
	}
	text := r.Replies[0].Text
	mustContain(t, "agency answer", text, "Nơi nộp hồ sơ", "Ủy ban nhân dân cấp xã", "📄 Nguồn:", "Bạn ở xã/phường nào?")
	if strings.Index(text, "📄 Nguồn:") > strings.Index(text, "Bạn ở xã/phường nào?") {
		t.Error("the question must come after the procedure answer and its provenance")
	}

	// The reply names the commune by a former name, without accents.
	r = f.say(t, "a1", "phuong 2")
	if r.ProcedureID != "dang-ky-khai-sinh" || r.Section != bot.SectionAgency {
		t.Fatalf("after the commune: %s %s/%s", r.Intent, r.ProcedureID, r.Section)
	}
	text = r.Replies[0].Text
	mustContain(t, "desk", text, "Ủy ban nhân dân cấp xã", "📄 Nguồn:",
		"Nơi nộp cho phường Hòa Sơn", "Trung tâm Phục vụ hành chính công phường Hòa Sơn",
		"số 12 đường Trần Hưng Đạo", "0200 311 0110", "Thứ 2–Thứ 6: 07:30–11:30, 13:30–17:00; Thứ 7: 07:30–11:30",
		"🟢 Đang mở cửa (đến 11:30)", "https://www.google.com/maps/search/?api=1&query=15.120500,108.801200",
		"dữ liệu mẫu", "nộp trực tuyến")
	mustNotContain(t, "desk", text, "Bạn ở xã/phường nào?")
	if strings.Index(text, "📄 Nguồn:") > strings.Index(text, "Trung tâm Phục vụ") {
		t.Error("the desk must come after the provenance line")
	}

	// Remembered: the next agency question names the desk at once.
	r = f.say(t, "a1", "đăng ký tạm trú nộp ở đâu")
	if r.ProcedureID != "dang-ky-tam-tru" {
		t.Fatalf("tạm trú: %s", r.ProcedureID)
	}
	mustContain(t, "remembered", r.Replies[0].Text, "Công an phường Hòa Sơn")
	mustNotContain(t, "remembered", r.Replies[0].Text, "Bạn ở xã/phường nào?")
}

func TestCommuneQuestionIsAskedOnlyOnce(t *testing.T) {
	f := newOfficeEngine(t)
	mustContain(t, "ask", f.say(t, "o1", "đăng ký khai sinh ở đâu").Replies[0].Text, "Bạn ở xã/phường nào?")
	// The citizen ignores it and asks something else: answered as usual.
	r := f.say(t, "o1", "làm hộ chiếu mất bao lâu")
	if r.ProcedureID != "cap-ho-chieu" || r.Section != bot.SectionTime {
		t.Fatalf("ignored question: %s/%s", r.ProcedureID, r.Section)
	}
	r = f.say(t, "o1", "đăng ký kết hôn ở đâu")
	if r.ProcedureID != "dang-ky-ket-hon" || r.Section != bot.SectionAgency {
		t.Fatalf("second agency question: %s/%s", r.ProcedureID, r.Section)
	}
	mustNotContain(t, "second agency question", r.Replies[0].Text, "Bạn ở xã/phường nào?", "Trung tâm Phục vụ")
	// Saying the commune later still works.
	r = f.say(t, "o1", "tôi ở xã Sơn Thủy")
	mustContain(t, "commune later", r.Replies[0].Text, "Trung tâm Phục vụ hành chính công xã Sơn Thủy")
}

func TestDeskPerProcedureField(t *testing.T) {
	f := newOfficeEngine(t)
	r := f.say(t, "f1", "tôi ở TT Đồng Tiến")
	mustContain(t, "commune stated first", r.Replies[0].Text, "xã Đồng Tiến")
	tests := []struct {
		question, proc, desk string
	}{
		{"đăng ký thường trú ở đâu", "dang-ky-thuong-tru", "Công an xã Đồng Tiến"},
		{"làm lại căn cước ở đâu", "cap-doi-cap-lai-the-can-cuoc", "Công an xã Đồng Tiến"},
		{"đăng ký kết hôn ở đâu", "dang-ky-ket-hon", "Trung tâm Phục vụ hành chính công xã Đồng Tiến"},
		{"chuyển nhượng quyền sử dụng đất nộp ở đâu", "chuyen-nhuong-dat", "Chi nhánh Văn phòng đăng ký đất đai khu vực Đồng Tiến"},
		{"đổi bằng lái xe ở đâu", "doi-giay-phep-lai-xe", "Phòng Cảnh sát giao thông Công an tỉnh Hòa Sơn"},
		{"làm hộ chiếu ở đâu", "cap-ho-chieu", "Phòng Quản lý xuất nhập cảnh"},
		{"ly hôn nộp đơn ở đâu", "ly-hon", ""},
	}
	for i, tt := range tests {
		r := f.say(t, "f1", tt.question)
		if r.ProcedureID != tt.proc || r.Section != bot.SectionAgency {
			t.Errorf("%q → %s/%s, want %s/agency", tt.question, r.ProcedureID, r.Section, tt.proc)
			continue
		}
		text := r.Replies[0].Text
		mustContain(t, tt.question, text, "📄 Nguồn:")
		if tt.desk == "" {
			mustNotContain(t, tt.question, text, "📍", "Bạn ở xã/phường nào?")
			continue
		}
		mustContain(t, tt.question, text, "Nơi nộp cho xã Đồng Tiến", tt.desk)
		_ = i
	}
}

func TestOpeningHoursAndPhoneQuestions(t *testing.T) {
	f := newOfficeEngine(t)
	f.now = time.Date(2026, 12, 12, 13, 0, 0, 0, offices.Vietnam) // Saturday afternoon
	r := f.say(t, "h1", "mấy giờ mở cửa")
	if r.Intent != bot.IntentOffice {
		t.Fatalf("hours question → %s", r.Intent)
	}
	mustContain(t, "hours without commune", r.Replies[0].Text, "Bạn ở xã/phường nào?")
	r = f.say(t, "h1", "phường ngọc lâm")
	mustContain(t, "hours", r.Replies[0].Text, "Trung tâm Phục vụ hành chính công phường Ngọc Lâm",
		"🔴 Đã đóng cửa, mở lại lúc 07:30 thứ Hai, 14/12", "Điện thoại:")

	f.now = time.Date(2026, 12, 8, 12, 0, 0, 0, offices.Vietnam) // Tuesday lunch
	r = f.say(t, "h1", "số điện thoại một cửa")
	mustContain(t, "phone", r.Replies[0].Text, "phường Ngọc Lâm", "0200 331 0330", "Đã đóng cửa, mở lại lúc 13:30 hôm nay")
	r = f.say(t, "h1", "sđt công an phường")
	mustContain(t, "police phone", r.Replies[0].Text, "Công an phường Ngọc Lâm", "0200 331 1333")
	f.now = time.Date(2026, 12, 12, 9, 0, 0, 0, offices.Vietnam) // Saturday morning
	r = f.say(t, "h1", "thứ 7 công an phường có làm việc không")
	mustContain(t, "police on Saturday", r.Replies[0].Text, "Công an phường Ngọc Lâm", "🟢 Đang mở cửa (đến 11:30)")

	// Opening hours of the desk of the procedure under discussion.
	f.say(t, "h1", "đổi bằng lái xe ở đâu")
	r = f.say(t, "h1", "thứ 7 có làm việc không")
	mustContain(t, "topic desk", r.Replies[0].Text, "Phòng Cảnh sát giao thông")

	// "mở cửa hàng" is about a business, not opening hours.
	r = f.say(t, "h2", "đăng ký hộ kinh doanh để mở cửa hàng")
	if r.Intent == bot.IntentOffice {
		t.Errorf("shop question taken for opening hours: %+v", r)
	}
	// "giờ làm việc ở Hà Nội" after "nhưng" is where the citizen works now.
	r = f.say(t, "h3", "Tôi làm căn cước ở quê nhưng giờ làm việc ở Hà Nội, bị mất thẻ thì làm lại ở Hà Nội được không")
	if r.Intent == bot.IntentOffice {
		t.Errorf("where the citizen works taken for opening hours: %+v", r)
	}
}

func TestCommuneReplies(t *testing.T) {
	f := newOfficeEngine(t)
	f.say(t, "c1", "đăng ký khai sinh ở đâu")
	r := f.say(t, "c1", "phường Bến Nghé")
	mustContain(t, "unknown commune", r.Replies[0].Text, "chưa tìm thấy", "Bến Nghé")
	if len(r.Replies[0].Buttons) == 0 {
		t.Error("the communes should be offered as buttons")
	}
	// The question stays open; a typo is forgiven.
	r = f.say(t, "c1", "phuong tan ann")
	mustContain(t, "typo", r.Replies[0].Text, "Trung tâm Phục vụ hành chính công phường Tân An")

	// A commune button.
	f.say(t, "c2", "đăng ký khai sinh ở đâu")
	r = f.send(t, "c2", bot.Message{Action: "commune:Xã Phú Xuân"})
	mustContain(t, "button", r.Replies[0].Text, "Trung tâm Phục vụ hành chính công xã Phú Xuân")

	// A question with the commune in it is answered with the desk.
	f.say(t, "c3", "đăng ký khai sinh ở đâu")
	r = f.say(t, "c3", "mình ở xã Đồng Tâm cũ, đăng ký kết hôn ở đâu")
	if r.ProcedureID != "dang-ky-ket-hon" {
		t.Fatalf("question with commune: %s", r.ProcedureID)
	}
	mustContain(t, "question with commune", r.Replies[0].Text, "Trung tâm Phục vụ hành chính công xã Đồng Tiến")
}

func TestSharedLocationPicksTheNearestDesk(t *testing.T) {
	f := newOfficeEngine(t)
	f.say(t, "l1", "đăng ký tạm trú ở đâu")
	r := f.send(t, "l1", bot.Message{Action: "loc:14.9990,108.6925"})
	mustContain(t, "location", r.Replies[0].Text, "Nơi gần bạn nhất", "Công an xã Sơn Thủy", "m)", "Đăng ký tạm trú")
	// The commune of that desk is remembered.
	r = f.say(t, "l1", "đăng ký khai sinh ở đâu")
	mustContain(t, "after location", r.Replies[0].Text, "Trung tâm Phục vụ hành chính công xã Sơn Thủy")

	r = f.send(t, "l2", bot.Message{Action: "loc:abc"})
	mustContain(t, "bad location", r.Replies[0].Text, "không đọc được vị trí")
}

// TestPhoneAsADeviceIsNotADeskQuestion: "trên điện thoại" beside "phường" asks
// whether the procedure can be done in the app, not for the ward's number.
func TestPhoneAsADeviceIsNotADeskQuestion(t *testing.T) {
	f := newOfficeEngine(t)
	r := f.say(t, "device", "ở trọ được 1 tháng, đăng ký tạm trú tự làm trên điện thoại được không hay phải lên phường")
	if r.ProcedureID != "dang-ky-tam-tru" || r.Section != bot.SectionOnline {
		t.Errorf("got %s/%s, want dang-ky-tam-tru/online", r.ProcedureID, r.Section)
	}
	// a phone stolen at a guest house is the story, and the police who came
	// is no desk asked for
	r = f.say(t, "stolen", "Khách trọ bị trộm điện thoại, công an phường xuống hỏi sao chưa thông báo lưu trú. Thông báo lưu trú làm trong bao lâu?")
	if r.ProcedureID != "thong-bao-luu-tru" {
		t.Errorf("stolen phone: got %s/%s (%s), want thong-bao-luu-tru", r.ProcedureID, r.Section, r.Intent)
	}
	r = f.say(t, "number", "số điện thoại công an phường là bao nhiêu")
	mustContain(t, "phone number question (asks the ward first)", r.Replies[0].Text, "xã/phường nào")
}

// TestCostAskedBesideHoursIsTheProcedures: what a procedure costs or needs,
// asked beside whether the desk works on Saturday, is answered by the
// procedure, as it is without an office directory.
func TestCostAskedBesideHoursIsTheProcedures(t *testing.T) {
	f := newOfficeEngine(t)
	r := f.say(t, "cost", "em cần chứng thực 10 bản photo căn cước, ở xã thứ 7 có làm không, mỗi bản mấy nghìn")
	if r.ProcedureID != "chung-thuc-ban-sao" {
		t.Errorf("got %s %s, want chung-thuc-ban-sao", r.Intent, r.ProcedureID)
	}
	r = f.say(t, "hours", "thứ 7 bộ phận một cửa xã có làm việc không")
	if r.Intent != bot.IntentOffice {
		t.Errorf("hours alone: got %s %s, want a desk answer", r.Intent, r.ProcedureID)
	}
}
