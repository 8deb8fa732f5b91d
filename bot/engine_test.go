package bot_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/internal/searchtest"
	"github.com/dvcbot/dvcbot/knowledge"
	"github.com/dvcbot/dvcbot/knowledge/search"
	"github.com/dvcbot/dvcbot/store"
	"github.com/dvcbot/dvcbot/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// index returns one in-memory index of the bundled knowledge base, shared by tests.
func index(t *testing.T) *search.Index { return searchtest.Index(t) }

type fixture struct {
	engine *bot.Engine
	db     *store.DB
}

func newEngine(t *testing.T) fixture {
	t.Helper()
	db := storetest.New(t)
	ix := index(t)
	e, err := bot.New(bot.Config{Searcher: ix, Normalizer: ix, Topics: ix, Scope: ix, Guides: ix, Procedures: ix, Sessions: db.Sessions(), Unanswered: db.Unanswered(), Feedback: db.Feedback()})
	if err != nil {
		t.Fatal(err)
	}
	return fixture{engine: e, db: db}
}

func (f fixture) say(t *testing.T, chat, text string) bot.Response {
	t.Helper()
	r, err := f.engine.Handle(context.Background(), bot.Message{Channel: bot.ChannelWeb, ChatID: chat, Text: text})
	if err != nil {
		t.Fatalf("Handle(%q): %v", text, err)
	}
	if len(r.Replies) == 0 || r.Replies[0].Text == "" {
		t.Fatalf("Handle(%q): empty reply", text)
	}
	return r
}

func (f fixture) press(t *testing.T, chat, action string) bot.Response {
	t.Helper()
	r, err := f.engine.Handle(context.Background(), bot.Message{Channel: bot.ChannelWeb, ChatID: chat, Action: action})
	if err != nil {
		t.Fatalf("press %q: %v", action, err)
	}
	return r
}

func TestSectionQuestions(t *testing.T) {
	f := newEngine(t)
	tests := []struct {
		text, proc, section string
	}{
		{"làm lại cccd cần giấy tờ gì", "cap-doi-cap-lai-the-can-cuoc", bot.SectionDocuments},
		{"lam lai cccd can giay to gi", "cap-doi-cap-lai-the-can-cuoc", bot.SectionDocuments},
		{"dang ky khai sinh o dau", "dang-ky-khai-sinh", bot.SectionAgency},
		// the criteria a household must meet are its conditions
		{"tiêu chí hộ cận nghèo ở nông thôn là gì", "ho-ngheo-can-ngheo", bot.SectionConditions},
		{"làm hộ chiếu mất bao lâu", "cap-ho-chieu", bot.SectionTime},
		{"lệ phí cấp hộ chiếu bao nhiêu tiền", "cap-ho-chieu", bot.SectionFees},
		{"đổi bằng lái xe online", "doi-giay-phep-lai-xe", bot.SectionOnline},
		{"điều kiện hưởng trợ cấp thất nghiệp", "tro-cap-that-nghiep", bot.SectionConditions},
		{"đăng ký kết hôn căn cứ pháp lý", "dang-ky-ket-hon", bot.SectionLegal},
		{"các bước đăng ký tạm trú", "dang-ky-tam-tru", bot.SectionSteps},
		// a lease typed without marks ("hop dong thue") pays no tax ("đóng thuế")
		{"hop dong thue nha tro co can cong chung ko a", "cong-chung-hop-dong", bot.SectionConditions},
		{"đăng ký kết hôn", "dang-ky-ket-hon", bot.SectionOverview},
		{"bảo hiểm xã hội tự nguyện đóng đâu", "bhxh-tu-nguyen", bot.SectionAgency},
		{"bố mẹ tặng cho đất cho con có phải đóng thuế không", "tang-cho-dat", bot.SectionFees},
		{"khai sinh cho con cần gì", "dang-ky-khai-sinh", bot.SectionDocuments},
		// A confirmation asked as a need of the procedure named before it is
		// one of that procedure's papers.
		{"dang ky ket hon can mang gi, co can giay xac nhan doc than k", "dang-ky-ket-hon", bot.SectionDocuments},
		// A yes/no question about one's own case, with no other cue, asks the conditions.
		{"nghỉ việc 2 tháng rồi, làm trợ cấp thất nghiệp còn kịp ko", "tro-cap-that-nghiep", bot.SectionConditions},
		{"xã em sáp nhập rồi, căn cước ghi địa chỉ cũ có phải đổi ko", "giay-to-sau-sap-xep-dia-gioi", bot.SectionConditions},
		{"làm hộ chiếu trên cổng dịch vụ công mất mấy ngày", "cap-ho-chieu", bot.SectionTime},
		// Where the citizen will go is not what to do.
		{"làm lại căn cước ở công an phường cần giấy tờ gì", "cap-doi-cap-lai-the-can-cuoc", bot.SectionDocuments},
		// Whether a procedure that is itself done online can be done that way.
		{"nộp phạt vi phạm giao thông trên app được không", "nop-phat-vi-pham-giao-thong", bot.SectionOnline},
		// (The scope model refitted on 38 sets reads "nộp phạt vi phạm giao
		// thông thay cho người khác được không" as asking something else, p
		// 0.74: a false refusal its cross-check counts among the right answers
		// it refuses.)
		{"nộp phạt giao thông thay cho bạn được không", "nop-phat-vi-pham-giao-thong", bot.SectionConditions},
		// "làm thủ tục gì" asks what to do, step by step.
		{"bố mất rồi, giờ đổi chủ hộ sang mẹ thì làm thủ tục gì", "dieu-chinh-thong-tin-cu-tru", bot.SectionSteps},
		// A title naming the online way ("… trực tuyến") is no online topic:
		// how to do it online asks its online part.
		{"đăng ký cho con vào lớp 1 trên mạng làm sao", "tuyen-sinh-dau-cap", bot.SectionOnline},
		// When it opens is the time, unless the site is asked too; "chưa
		// làm bao giờ" is never, not when.
		{"đăng ký cho con vào lớp 6 qua mạng năm nay bắt đầu từ ngày nào", "tuyen-sinh-dau-cap", bot.SectionTime},
		{"đăng ký lớp 1 trên mạng ở trang nào, bao giờ mở", "tuyen-sinh-dau-cap", bot.SectionOnline},
		{"đăng ký lớp 1 trên mạng thế nào, tôi chưa làm bao giờ", "tuyen-sinh-dau-cap", bot.SectionOnline},
		// Where the citizen works is the story, not where to apply.
		{"tôi đang làm ở Đài Loan 2 năm thì có cần khai báo tạm vắng không", "khai-bao-tam-vang", bot.SectionConditions},
		{"hồ sơ hưởng lương hưu mất mấy tháng", "huong-luong-huu", bot.SectionTime},
		{"bảo hiểm xã hội tự nguyện mỗi tháng đóng ít nhất bao nhiêu", "bhxh-tu-nguyen", bot.SectionFees},
		// What one never did is not when; a business run online is not the
		// online channel.
		{"con tôi chưa bao giờ được làm giấy khai sinh, giờ đăng ký khai sinh được không", "dang-ky-khai-sinh", bot.SectionConditions},
		{"mở hộ kinh doanh bán hàng online thì đăng ký hộ kinh doanh ở đâu", "dang-ky-ho-kinh-doanh", bot.SectionAgency},
		{"đăng ký hộ kinh doanh online được không", "dang-ky-ho-kinh-doanh", bot.SectionOnline},
		// How to do it the online way the question names is its online part,
		// for a procedure that is also done at the office; where a wrong
		// record was seen and what is sold online are the story.
		{"làm hộ chiếu online trên cổng dịch vụ công thì làm thế nào", "cap-ho-chieu", bot.SectionOnline},
		{"làm căn cước cho bé dưới 6 tuổi trên VNeID thì làm sao", "cap-the-can-cuoc", bot.SectionOnline},
		{"thông tin trên vneid bị sai quê quán sửa ở đâu", "dieu-chinh-thong-tin-dan-cu", bot.SectionAgency},
		{"em bán mỹ phẩm online thì đăng ký hộ kinh doanh thế nào", "dang-ky-ho-kinh-doanh", bot.SectionSteps},
		// Which of two places, which unit, whom to tell.
		{"chứng thực bản sao ở bưu điện có được không hay phải ra ubnd", "chung-thuc-ban-sao", bot.SectionAgency},
		{"hai đứa quê ở hai tỉnh khác nhau, đăng ký kết hôn thì về xã bên nào làm", "dang-ky-ket-hon", bot.SectionAgency},
		{"khóa tài khoản định danh điện tử trên app được không hay phải ra công an", "khoa-mo-khoa-can-cuoc-dien-tu", bot.SectionOnline},
		// Whether it can be done at an office asks where; whether one must go
		// there to do something else asks whether one must.
		{"chứng thực chữ ký trên giấy ủy quyền ở ủy ban xã được không", "chung-thuc-chu-ky", bot.SectionAgency},
		{"đăng ký biển số xe máy ở công an xã được không", "dang-ky-xe", bot.SectionAgency},
		{"thuê phòng trọ cả năm, có phải ra công an khai báo tạm trú không", "dang-ky-tam-tru", bot.SectionConditions},
		// "mấy tiền", "những khoản tiền" ask the fees; "bao nhiêu lâu" the time.
		{"sao y giấy khai sinh ở ủy ban xã mất mấy tiền một bản", "chung-thuc-ban-sao", bot.SectionFees},
		{"xin xác định mức độ khuyết tật thì bao nhiêu lâu có kết quả", "xac-dinh-khuyet-tat", bot.SectionTime},
		// Whether a tax is due at all asks the conditions, also when the
		// question is put to "mọi người".
		{"bán nước vỉa hè mỗi tháng lãi 5 triệu có phải đóng thuế không mọi người", "thue-ho-kinh-doanh", bot.SectionConditions},
		// An app or wallet named asks for the online channel, and stays in the search.
		{"gia hạn bảo hiểm y tế hộ gia đình trên vssid được không", "bhyt-ho-gia-dinh", bot.SectionOnline},
		// Everyday ways of asking how, whom to send to, and what one is entitled to.
		{"đăng ký tạm trú cho người thuê trọ kiểu gì", "dang-ky-tam-tru", bot.SectionSteps},
		{"muốn làm giấy xác nhận tình trạng hôn nhân thì sao ạ", "xac-nhan-tinh-trang-hon-nhan", bot.SectionSteps},
		{"muốn xin xác định mức độ khuyết tật thì làm đơn gửi ai", "xac-dinh-khuyet-tat", bot.SectionAgency},
		{"hưởng thai sản khi sinh con thì được nghỉ bao nhiêu ngày", "che-do-thai-san", bot.SectionConditions},
		// A limit to reach is not a sum to pay.
		{"tách thửa đất thì diện tích tối thiểu được tách là bao nhiêu", "tach-hop-thua-dat", bot.SectionConditions},
		// A story told before the question says nothing of what is asked; the
		// sentence ending in "?" does.
		{"Thẻ căn cước của tôi rách mấy tuần nay. Giờ làm lại căn cước thì cần giấy tờ gì?", "cap-doi-cap-lai-the-can-cuoc", bot.SectionDocuments},
		{"Làm lại cccd cần giấy tờ gì? Tôi hỏi giúp mẹ, mấy tháng nay bà đi lại khó.", "cap-doi-cap-lai-the-can-cuoc", bot.SectionDocuments},
		// Nor does the scene before the last "thì", unless it asks how long
		// until something.
		{"bằng lái ô tô hết hạn mấy tháng rồi, giờ đổi bằng lái xe thì cần giấy tờ gì", "doi-giay-phep-lai-xe", bot.SectionDocuments},
		{"đổi bằng lái xe mất bao lâu thì có bằng mới", "doi-giay-phep-lai-xe", bot.SectionTime},
		// The question after the story establishes the procedure the whole
		// message only makes likely.
		{"Gia đình tôi ở mảnh đất ông bà khai hoang từ năm 1992, chưa có sổ đỏ thì có được cấp sổ không", "cap-so-do-lan-dau", bot.SectionConditions},
	}
	for i, tt := range tests {
		r := f.say(t, "s"+string(rune('a'+i)), tt.text)
		if r.Intent != bot.IntentProcedure || r.ProcedureID != tt.proc || r.Section != tt.section {
			t.Errorf("%q → %s %s/%s, want %s/%s", tt.text, r.Intent, r.ProcedureID, r.Section, tt.proc, tt.section)
		}
	}
}

func TestFollowUpsKeepAndSwitchTopic(t *testing.T) {
	f := newEngine(t)
	r := f.say(t, "c1", "làm lại cccd cần giấy tờ gì")
	if r.ProcedureID != "cap-doi-cap-lai-the-can-cuoc" {
		t.Fatalf("first turn: %s", r.ProcedureID)
	}
	r = f.say(t, "c1", "mất bao lâu?")
	if r.ProcedureID != "cap-doi-cap-lai-the-can-cuoc" || r.Section != bot.SectionTime {
		t.Fatalf("follow-up: %s/%s", r.ProcedureID, r.Section)
	}
	r = f.say(t, "c1", "lệ phí bao nhiêu")
	if r.ProcedureID != "cap-doi-cap-lai-the-can-cuoc" || r.Section != bot.SectionFees {
		t.Fatalf("fees follow-up: %s/%s", r.ProcedureID, r.Section)
	}
	r = f.say(t, "c1", "thế còn hộ chiếu?")
	if r.ProcedureID != "cap-ho-chieu" || r.Section != bot.SectionFees {
		t.Fatalf("switch keeps the section: %s/%s", r.ProcedureID, r.Section)
	}
	// A follow-up with no topic at all asks which procedure.
	r = f.say(t, "c2", "mất bao lâu?")
	if r.ProcedureID != "" || r.Intent != bot.IntentHelp || len(r.Replies[0].Buttons) == 0 {
		t.Fatalf("no topic: %+v", r)
	}
}

func TestButtonsOfferOtherSectionsFeedbackAndPortal(t *testing.T) {
	f := newEngine(t)
	r := f.say(t, "b1", "đăng ký khai sinh cần giấy tờ gì")
	var sec, fb, link int
	for _, b := range r.Replies[0].Buttons {
		switch {
		case strings.HasPrefix(b.Action, "sec:dang-ky-khai-sinh:"):
			sec++
			if strings.HasSuffix(b.Action, ":documents") {
				t.Error("current section offered again")
			}
		case strings.HasPrefix(b.Action, "fb:"):
			fb++
		case strings.HasPrefix(b.URL, "https://"):
			link++
		}
	}
	if sec < 6 || fb != 2 || link != 1 {
		t.Fatalf("buttons: %d sections, %d feedback, %d links: %+v", sec, fb, link, r.Replies[0].Buttons)
	}
	r2 := f.press(t, "b1", "sec:dang-ky-khai-sinh:steps")
	if r2.ProcedureID != "dang-ky-khai-sinh" || r2.Section != bot.SectionSteps || !strings.Contains(r2.Replies[0].Text, "1. ") {
		t.Fatalf("section button: %+v", r2)
	}
	// Feedback on the first answer is stored with its question.
	var up string
	for _, b := range r.Replies[0].Buttons {
		if strings.HasPrefix(b.Action, "fb:up:") {
			up = b.Action
		}
	}
	r3 := f.press(t, "b1", up)
	if r3.Intent != bot.IntentFeedback {
		t.Fatalf("feedback intent: %s", r3.Intent)
	}
	n, err := f.db.Database().Collection("feedback").CountDocuments(context.Background(), map[string]any{"vote": "up", "procedure_id": "dang-ky-khai-sinh", "question": "đăng ký khai sinh cần giấy tờ gì", "answer": map[string]any{"$regex": "^\\*\\*Giấy tờ cần chuẩn bị"}})
	if err != nil || n != 1 {
		t.Fatalf("feedback stored: %d %v", n, err)
	}
}

func TestFallbackIsRecordedForStaff(t *testing.T) {
	f := newEngine(t)
	for _, q := range []string{"Giá vàng hôm nay", "giá vàng hôm nay?", "thoi tiet ha noi ngay mai"} {
		r := f.say(t, "f1", q)
		if r.Intent != bot.IntentFallback || r.ProcedureID != "" {
			t.Fatalf("%q: %s %s", q, r.Intent, r.ProcedureID)
		}
		if !strings.Contains(r.Replies[0].Text, "Một cửa") {
			t.Fatalf("fallback should say where to get help: %s", r.Replies[0].Text)
		}
	}
	items, err := f.db.Unanswered().List(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 2 || items[0].Count != 2 || items[0].Key != "gia hom nay vang" { // near-identical questions share one key (folded, words sorted)
		t.Fatalf("unanswered: %+v", items)
	}
}

// Without an office directory, asking for a desk's phone or hours gets an
// honest "no numbers here" with where to look, not a guide that mentions the
// police and a phone; a question naming what to do still reaches the guides.
func TestDeskContactsWithoutADirectory(t *testing.T) {
	f := newEngine(t)
	for i, q := range []string{"cho xin sđt công an phường", "so dien thoai uy ban xa la so nao", "ủy ban phường mấy giờ mở cửa"} {
		r := f.say(t, fmt.Sprintf("d%d", i), q)
		if r.Intent != bot.IntentFallback || r.ProcedureID != "" || !strings.Contains(r.Replies[0].Text, "1800 1096") {
			t.Errorf("%q → %s %s: %q", q, r.Intent, r.ProcedureID, r.Replies[0].Text)
		}
	}
	items, err := f.db.Unanswered().List(context.Background(), 10)
	if err != nil || len(items) != 3 {
		t.Fatalf("recorded for staff: %d, %v", len(items), err)
	}
	if r := f.say(t, "d9", "số điện thoại công an phường làm lại căn cước"); strings.Contains(r.Replies[0].Text, "danh bạ") {
		t.Errorf("a question naming what to do went to the no-directory answer: %q", r.Replies[0].Text)
	}
}

func TestGreetingHelpAndBadInput(t *testing.T) {
	f := newEngine(t)
	if r := f.say(t, "g1", "Xin chào"); r.Intent != bot.IntentGreeting || len(r.Replies[0].Buttons) == 0 {
		t.Fatalf("greeting: %+v", r)
	}
	if r := f.say(t, "g1", "/help"); r.Intent != bot.IntentHelp {
		t.Fatalf("help: %+v", r)
	}
	if r := f.say(t, "g1", ""); r.Intent != bot.IntentHelp {
		t.Fatalf("empty: %+v", r)
	}
	if r := f.press(t, "g1", "nonsense:thing"); r.Intent != bot.IntentHelp {
		t.Fatalf("unknown action: %+v", r)
	}
	if r := f.press(t, "g1", "sec:khong-co:steps"); r.Intent != bot.IntentHelp {
		t.Fatalf("unknown procedure: %+v", r)
	}
	long := strings.Repeat("làm căn cước ", 10000)
	if r := f.say(t, "g1", long); r.Intent != bot.IntentProcedure && r.Intent != bot.IntentFallback {
		t.Fatalf("long text: %+v", r)
	}
	for _, junk := range []string{"🤔🤔🤔", "?!?!", "\x00\x01\x02"} {
		f.say(t, "g1", junk+" ") // must not fail
	}
	if _, err := f.engine.Handle(context.Background(), bot.Message{Channel: "web"}); err == nil {
		t.Fatal("missing chat id accepted")
	}
}

func TestMessagesOfOneChatAreHandledInOrder(t *testing.T) {
	f := newEngine(t)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := f.engine.Handle(context.Background(), bot.Message{Channel: "web", ChatID: "race", Text: "đăng ký khai sinh"}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	s, err := f.db.Sessions().LoadSession(context.Background(), bot.SessionKey("web", "race"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Seq != 8 || s.Version != 8 || len(s.History) != 8 {
		t.Fatalf("lost updates: seq %d version %d history %d", s.Seq, s.Version, len(s.History))
	}
	for i := 0; i < 5; i++ {
		f.say(t, "race", "mất bao lâu")
	}
	s, _ = f.db.Sessions().LoadSession(context.Background(), bot.SessionKey("web", "race"))
	if len(s.History) != bot.MaxHistory {
		t.Fatalf("history not bounded: %d", len(s.History))
	}
	if time.Until(s.ExpiresAt) < 29*24*time.Hour {
		t.Fatalf("expiry not set: %v", s.ExpiresAt)
	}
}

func TestDisambiguationKeepsTheSectionAsked(t *testing.T) {
	f := newEngine(t)
	r := f.say(t, "d1", "bằng lái ô tô hết hạn đổi lại cần giấy tờ gì")
	if r.ProcedureID != "" {
		t.Skipf("answered directly (%s): nothing to choose", r.ProcedureID)
	}
	if len(r.Replies[0].Buttons) < 2 {
		t.Fatalf("candidates: %+v", r)
	}
	choice := r.Replies[0].Buttons[0].Action
	r = f.press(t, "d1", choice)
	if r.Section != bot.SectionDocuments || "proc:"+r.ProcedureID != choice {
		t.Fatalf("choice answered %s/%s", r.ProcedureID, r.Section)
	}
}

// TestTrust covers the ways the engine avoids a confident wrong answer:
// English questions get an English reply, generic questions ask which
// procedure, uncovered subjects are declined with where to go, and every
// procedure answer says where it comes from.
func TestTrust(t *testing.T) {
	fx := newEngine(t)
	r := fx.say(t, "en", "How do I renew my temporary residence card as a foreigner?")
	if r.ProcedureID != "" || r.Language != "en" || !strings.Contains(r.Replies[0].Text, "Immigration") {
		t.Errorf("English question: %+v", r)
	}
	// A question too short or too mixed to be read as English, but leaning
	// English, that no guide answers is declined in English; Vietnamese
	// typed with Telex leftovers is not English.
	for _, c := range []struct {
		q, lang string
	}{
		{"electricity bill too high", "en"},
		{"how to do PIT finalization online on thuedientu as an expat??", "en"},
		{"Is it going to rain in Da Nang tomorrow?", "en"},
		{"cho e xin so tong dai ho tro voi", ""},
	} {
		r = fx.say(t, "lean-"+c.q, c.q)
		if r.Intent != bot.IntentFallback || r.Language != c.lang {
			t.Errorf("declined %q: intent %s, language %q, want fallback in %q", c.q, r.Intent, r.Language, c.lang)
		}
	}
	// An English question that establishes a covered procedure is answered
	// with it: an English lead naming it in both languages, then the section
	// asked, in Vietnamese. One that only hints at a procedure gets the
	// English reply with the guide as a button; a visa question names none.
	for _, c := range []struct{ q, id, section string }{
		{"How do I pay a traffic fine online in Vietnam?", "nop-phat-vi-pham-giao-thong", bot.SectionOnline},
		{"My Korean friend stays at my house, do I need to register his stay with the police?", "khai-bao-tam-tru-nguoi-nuoc-ngoai", bot.SectionConditions},
		{"What documents do I need to register a household business?", "dang-ky-ho-kinh-doanh", bot.SectionDocuments},
		{"I want to marry my Vietnamese girlfriend, how long does it take?", "ket-hon-co-yeu-to-nuoc-ngoai", bot.SectionTime},
		// One word with a mark ("fiancée") does not make a message Vietnamese.
		{"I'm Canadian and want to marry my Vietnamese fiancée in Can Tho. What papers do I need to register the marriage?", "ket-hon-co-yeu-to-nuoc-ngoai", bot.SectionDocuments},
		// A subject not covered that is only the asker's situation does not
		// stop the answer; the sentence that asks decides.
		{"I have a work permit and a residence card. Can I convert my UK driving licence here?", "doi-giay-phep-lai-xe", bot.SectionConditions},
		// Place names the normaliser writes in Vietnamese ("Da Nang") and
		// words that are also Vietnamese syllables ("can", "in") leave it
		// English.
		{"Can a foreigner get a criminal record certificate in Vietnam? I lived in Da Nang for 3 years.", "ly-lich-tu-phap", bot.SectionConditions},
		// The portal's own guides; English words tell English from
		// Vietnamese typed without marks.
		{"How can I track my application status?", "huong-dan-tra-cuu-ho-so", bot.SectionSteps},
		// "… for that" at the end of the sentence that asks is the procedure named before
		{"I can't log in to dich vu cong with my VNeID. Do I need level 2 for that?", "huong-dan-dang-nhap-dvc", bot.SectionConditions},
		{"I live in Germany and my father passed away in Hue. How do I register his death?", "dang-ky-khai-tu", bot.SectionSteps},
		// Everyday English words that are no Vietnamese syllable make it
		// English ("her job last month").
		{"My husband lost his job last month. Can he receive unemployment benefits at 55?", "tro-cap-that-nghiep", bot.SectionConditions},
		// Short English words that no Vietnamese syllable can be ("dad",
		// "yrs", "moved") count too.
		{"dad worked 25 yrs in vietnam at a state company, moved to czech in the 90s, now 70. can he still claim a vietnamese pension?", "huong-luong-huu", bot.SectionConditions},
		// A life situation told before the sentence that asks frames it:
		// the paper asked about is asked within the merger, and papers lost
		// together are the lost-papers situation, not one card's re-issue.
		{"My mother's so do still shows the old district name, and the district was merged last year. Do we need to change the so do before we sell?", "giay-to-sau-sap-xep-dia-gioi", bot.SectionConditions},
		{"My cousin lost his wallet with his can cuoc and bang lai. What should he do?", "mat-giay-to-tuy-than", bot.SectionOverview},
		// Two topics named, the sentence that asks names one alone: the
		// other is the story.
		{"I got my Vietnamese passport back after growing up in France. Can I register permanent residence (thuong tru) at my aunt's house in Hai Phong?", "dang-ky-thuong-tru", bot.SectionConditions},
		// The sentence that asks names one guide alone: it is asked even
		// when the Vietnamese reading of the whole message prefers a guide
		// the story names (a camera fine told, a complaint asked).
		{"I think the camera fine is wrong, I wasn't even in HCMC that day. How do I file a formal complaint?", "khieu-nai-to-cao", bot.SectionSteps},
		{"I sold my bike 2 months ago and the buyer never transferred it. Now I got a phat nguoi notice for something he did. How do I get the bike off my name?", "thu-hoi-dang-ky-bien-so-xe", bot.SectionSteps},
		// A sentence that asks how to track an application is asked of the
		// application the story names.
		{"I applied for a copy of our marriage certificate last week and have the ma ho so. How do I check where it is?", "huong-dan-tra-cuu-ho-so", bot.SectionSteps},
		// A paper the asker has "besides" which others are asked for is one
		// to bring, not the procedure asked.
		{"Back from Canada, I want my ho khau at my parents' house again. Do I need anything besides my passport?", "dang-ky-thuong-tru", bot.SectionDocuments},
		// "apply" at the end of the sentence that asks applies for what
		// was named before; the residence told there is where.
		{"My brother needs a certificate of single status to marry abroad. His ho khau was in Hue, where does he apply?", "xac-nhan-tinh-trang-hon-nhan", bot.SectionAgency},
		// A sentence that asks how to use the portal asks it for the
		// procedure named before; a Vietnamese name with its marks in the
		// story does not take an answer about the portal; "this paper"
		// points back like "it".
		{"I got a speeding ticket from a camera last week. Can I pay online instead of queuing at the police station?", "nop-phat-vi-pham-giao-thong", bot.SectionOnline},
		{"My husband's birthday is wrong on VNeID, it differs from his tạm trú papers. How does he get the national database fixed?", "dieu-chinh-thong-tin-dan-cu", bot.SectionSteps},
		{"My sister needs a paper proving she is single to marry abroad. Her ho khau is in Hue. Where can she get this paper?", "xac-nhan-tinh-trang-hon-nhan", bot.SectionAgency},
		// English as a translation app gives it: official names word for
		// word, "lose" for what a procedure takes, Vietnamese word order,
		// Vietnamese words among few English ones.
		{"Certificate of land use rights lost, how to reissue?", "cap-doi-cap-lai-so-do", bot.SectionSteps},
		{"tach ho lose how many days have result", "tach-ho", bot.SectionTime},
		{"Bank ask paper confirm residence because now no more household book. Where I ask that paper?", "xac-nhan-thong-tin-cu-tru", bot.SectionAgency},
		{"make hộ chiếu first time how much money", "cap-ho-chieu", bot.SectionFees},
		// A hospital beside a named topic is where the story happens, not
		// what is asked.
		{"father's bhyt and can cuoc still show the old commune name after the merger. does he have to change them before his hospital visit", "giay-to-sau-sap-xep-dia-gioi", bot.SectionConditions},
		// A question to be answered yes or no that names no section asks
		// whether the procedure applies; "is there …" asks what there is.
		{"Is the an ninh trat tu certificate really needed for a tiny guesthouse with 3 rooms?", "chung-nhan-an-ninh-trat-tu", bot.SectionConditions},
		{"My father-in-law passed away. Is there one combined procedure for the death registration, removing his ho khau and the funeral allowance?", "lien-thong-khai-tu", bot.SectionOverview},
		// So does the last clause after a comma ("…, can grandma …").
		{"our son was born in Hue last month while his dad works in Japan, can his grandmother register the birth?", "dang-ky-khai-sinh", bot.SectionConditions},
		// Settling in another country is the lump sum's own ground, not
		// another country's insurance; a Vietnamese back from abroad is no
		// foreigner.
		{"I'm leaving Vietnam for good to live in Canada. Can I withdraw my BHXH one time?", "bhxh-mot-lan", bot.SectionConditions},
		{"Back from abroad after 6 years and renting a flat in Da Nang. Do I need dang ky tam tru?", "dang-ky-tam-tru", bot.SectionConditions},
		// One paper lost with a wallet, asked how to redo, is that paper's
		// guide; "&" reads "and".
		{"Lost my wallet at the beach with the bike cavet in it. How do I get a new cavet?", "cap-lai-dang-ky-bien-so-xe", bot.SectionSteps},
		{"Opening a small guesthouse with my wife. We need the security & order certificate from the police, what documents?", "chung-nhan-an-ninh-trat-tu", bot.SectionDocuments},
		// A guide's Vietnamese name typed whole names it, read as the
		// glossary reads it: a marriage with a foreigner named is that one.
		{"Quit my factory job last week. How long do I have to nop ho so tro cap that nghiep?", "tro-cap-that-nghiep", bot.SectionTime},
		{"I'm Canadian and marrying my Vietnamese girlfriend in Da Nang. What papers for the dang ky ket hon?", "ket-hon-co-yeu-to-nuoc-ngoai", bot.SectionDocuments},
	} {
		r = fx.say(t, "en-"+c.id, c.q)
		if r.Language != "en" || r.ProcedureID != c.id || r.Section != c.section || len(r.Replies) != 1 || len(r.Replies[0].Buttons) == 0 ||
			!strings.HasPrefix(r.Replies[0].Text, "Your question") || r.Source == nil {
			t.Errorf("English %q: %s/%s %+v, want %s/%s with an English lead", c.q, r.ProcedureID, r.Section, r.Replies, c.id, c.section)
		}
	}
	// A marriage asked about in English that names no foreigner may be two
	// Vietnamese citizens' own: the bot asks which, with both guides.
	if r := fx.say(t, "en-either", "marriage register follow which law which decree"); r.Language != "en" || r.ProcedureID != "" ||
		!slices.Equal(r.Candidates, []string{"dang-ky-ket-hon", "ket-hon-co-yeu-to-nuoc-ngoai"}) || !strings.HasPrefix(r.Replies[0].Text, "Which of these do you mean?") {
		t.Errorf("English marriage, no foreigner named: %s %v %q, want both marriage guides offered", r.ProcedureID, r.Candidates, r.Replies[0].Text)
	}
	// An English question that asks what no how-to guide answers (a fine,
	// another body's decision, an opinion) is declined in English, saying
	// so, with the guide of the procedure it names as a button; its how-to
	// twin is answered.
	for _, c := range []struct{ q, offered string }{
		{"what's the fine if I register my baby's birth late? she's already 4 months", "dang-ky-khai-sinh"},
		{"Is a Vietnamese criminal record certificate accepted in Canada?", "ly-lich-tu-phap"},
		{"Honestly, is it easier for a foreigner to marry in Vietnam or in Thailand? Which is faster in your opinion?", ""},
		{"My company did my tax finalization in March and there is still no refund. When will I actually get the money?", "quyet-toan-thue-tncn"},
	} {
		r = fx.say(t, "en-asks", c.q)
		if r.Language != "en" || r.ProcedureID != "" || r.Intent != bot.IntentFallback || !strings.HasPrefix(r.Replies[0].Text, "I can't answer that one.") {
			t.Errorf("English question asking what no guide answers %q: %s %s %q", c.q, r.Language, r.ProcedureID, r.Replies[0].Text)
			continue
		}
		if c.offered != "" && !slices.ContainsFunc(r.Replies[0].Buttons, func(b bot.Button) bool { return b.Action == "proc:"+c.offered }) {
			t.Errorf("%q: buttons %+v, want the guide %s offered", c.q, r.Replies[0].Buttons, c.offered)
		}
	}
	// A card or a visa the asker has, told before a sentence that asks
	// without naming it, is their situation when the question's words read
	// in Vietnamese name one guide; in the sentence that asks, it is what
	// is asked about.
	if r = fx.say(t, "en-standing", "I'm a foreigner with a TRC and just bought a new motorbike. What papers do I need to register it and get plates?"); r.ProcedureID != "dang-ky-xe" {
		t.Errorf("a residence card the asker has: %s %q, want dang-ky-xe", r.ProcedureID, r.Replies[0].Text)
	}
	if r = fx.say(t, "en-standing-asked", "my foreign husband is on an e-visa, how long can he stay each time?"); r.ProcedureID != "" {
		t.Errorf("a visa asked about: answered %s", r.ProcedureID)
	}
	if r = fx.say(t, "en-asks-twin", "I got fined for something else last year. How do I register my baby's birth?"); r.ProcedureID != "dang-ky-khai-sinh" {
		t.Errorf("a fine only in the story: %s %q, want dang-ky-khai-sinh", r.ProcedureID, r.Replies[0].Text)
	}
	// A short question too few words of which are English to tell is read
	// as English when the glossary names a procedure in it; Vietnamese typed
	// without marks that holds one glossary phrase stays Vietnamese.
	if r = fx.say(t, "en-short", "fee to reissue a lost can cuoc?"); r.Language != "en" || r.ProcedureID != "cap-doi-cap-lai-the-can-cuoc" {
		t.Errorf("short English question: %s %q, want an English answer about the card's re-issue", r.Language, r.ProcedureID)
	}
	// English typed as people chat on a phone ("how much 2 renew my drivers
	// lic", "wat docs") is read with its chat spellings written out; a
	// Vietnamese question holding none stays Vietnamese.
	for _, c := range []struct{ q, id, section string }{
		{"how much 2 renew my drivers lic", "doi-giay-phep-lai-xe", bot.SectionFees},
		{"dl expired last month can i still renew", "doi-giay-phep-lai-xe", bot.SectionConditions},
	} {
		if r = fx.say(t, "en-chat", c.q); r.Language != "en" || r.ProcedureID != c.id || r.Section != c.section {
			t.Errorf("chat English %q: %s %s/%s, want %s/%s", c.q, r.Language, r.ProcedureID, r.Section, c.id, c.section)
		}
	}
	if r = fx.say(t, "vi-chat", "lam lai bang lai xe bi mat can j"); r.Language == "en" {
		t.Errorf("Vietnamese chat read as English: %+v", r)
	}
	if r = fx.say(t, "vi-short", "mo quan karaoke can giay an ninh trat tu ko"); r.Language == "en" {
		t.Errorf("Vietnamese without marks holding a glossary phrase read as English: %+v", r)
	}
	// Vietnamese abbreviations typed without marks ("bhyt", "ntn") are no
	// English words.
	if r = fx.say(t, "vi-abbrev", "tich hop the bhyt vao vneid ntn"); r.Language == "en" {
		t.Errorf("Vietnamese with abbreviations read as English: %+v", r)
	}
	// Words the glossary does not know tell the asker's story when the
	// words it knows name one guide whole ("register … marriage"); one
	// word that names a guide ("wedding") does not.
	r = fx.say(t, "en-story", "my fiancee and i are vietnamese citizens living in different provinces, where do we register our marriage?")
	if r.Language != "en" || r.ProcedureID != "dang-ky-ket-hon" || r.Section != bot.SectionAgency || !strings.HasPrefix(r.Replies[0].Text, "Your question seems to be about") {
		t.Errorf("English story around a named procedure: %s %s/%s %q", r.Language, r.ProcedureID, r.Section, r.Replies[0].Text)
	}
	// English puts a noun's words the other way round: "BHYT card" is "thẻ
	// BHYT", and the guide's name stands in the known words in another order.
	r = fx.say(t, "en-order", "i lost my BHYT card from my company, how to get it reissued")
	if r.Language != "en" || r.ProcedureID != "cap-lai-the-bhyt" {
		t.Errorf("English name in another order: %s %q, want cap-lai-the-bhyt", r.Language, r.ProcedureID)
	}
	// Vietnamese papers named with their marks among many English words
	// leave the message English, and are read as they stand; a site's
	// address ("dichvucong.gov.vn") and "log in" are no Vietnamese.
	for _, c := range []struct{ q, id string }{
		{"our sổ đỏ is torn and faded. how long does it take to get a replacement?", "cap-doi-cap-lai-so-do"},
		{"how to log in to dichvucong.gov.vn with VNeID", "huong-dan-dang-nhap-dvc"},
		// An uncovered subject named as what a paper is for is the reason,
		// and a Visa card pays a fee: neither is what is asked.
		{"I need a phieu ly lich tu phap for my work permit renewal. where do I apply?", "ly-lich-tu-phap"},
		{"can i pay the fee on dichvucong with a foreign visa card?", "huong-dan-thanh-toan-truc-tuyen"},
		// A life situation named beside one of its procedures walks
		// through them all.
		{"lost my wallet with my ID card and driving licence. what do i need to redo?", "mat-giay-to-tuy-than"},
		// A topic named only in the story, before a sentence that asks
		// about another guide, is the story.
		{"I just got my Vietnamese passport after 20 years in the US. Can I register thuong tru at my sister's house?", "dang-ky-thuong-tru"},
		// A story that names no topic, told in sentences before the one
		// that asks, is read apart from it.
		{"I'm 68, US citizen but I never gave up my Vietnamese nationality and still have my old VN passport. I want to retire in Da Lat and live with my younger brother in his house. Can I register permanent residence (ho khau) at his house?", "dang-ky-thuong-tru"},
		// A sentence that asks about "it" asks about the paper named
		// before, not about the household registration of where one lives.
		{"my CCCD expires when i turn 25 next month. where do i go to change it, any ward or only where my ho khau is", "cap-doi-cap-lai-the-can-cuoc"},
		// A benefit's name typed without marks inside English is that
		// benefit.
		{"quit job end of last month. how long do i have to apply for tro cap that nghiep, is it 3 months?", "tro-cap-that-nghiep"},
	} {
		if r = fx.say(t, "en-"+c.id, c.q); r.Language != "en" || r.ProcedureID != c.id {
			t.Errorf("English %q: %s %q, want an English lead and %s", c.q, r.Language, r.ProcedureID, c.id)
		}
	}
	// An illness or a hospital stay told as the reason for something else is
	// the scene; a story before "để" is not a means sought.
	for _, c := range []struct{ q, id string }{
		{"bố em bị tai biến lên ở nhà em một tuần để chữa bệnh thì có phải thông báo lưu trú không", "thong-bao-luu-tru"},
		// A procedure given as the reason is why, not what is asked.
		{"đổi căn cước vì chuyển hộ khẩu sang tỉnh khác có mất tiền không", "cap-doi-cap-lai-the-can-cuoc"},
		{"chị tôi tạm nghỉ bán tạp hóa 3 tháng vì nằm viện, có phải báo tạm ngừng hộ kinh doanh không", "thay-doi-ho-kinh-doanh"},
		// A paper the asker has is the situation.
		{"dang ky vao lop 1 online cho con, bo me chi co tam tru thi co dang ky dc ko", "tuyen-sinh-dau-cap"},
		// Sentences of story before the one that asks, which names its
		// guide whole.
		{"Năm trước tôi bán xe máy cho người quen nhưng chưa sang tên, nay họ vượt đèn đỏ, giấy phạt nguội gửi về nhà tôi. Tức ghê. Thủ tục sang tên xe gồm những bước nào?", "sang-ten-xe"},
		// Where the asker lives is the scene of a question the whole
		// message names with more of its words.
		{"mua xe may moi ma ho khau o tinh khac, dang ky bien so o noi dang tam tru dc ko", "dang-ky-xe"},
		// The whole message, sure and resting on more words, outweighs a
		// sure clause that names only the reason.
		{"sổ bảo hiểm xã hội của ông nhà tôi bị mất, giờ muốn làm lương hưu thì xin cấp lại ra sao", "cap-lai-so-bhxh"},
		// A near-poor household is who asks; the tuition is what.
		{"Nhà em hộ cận nghèo, con học cấp 2 có được giảm học phí không", "mien-giam-hoc-phi"},
	} {
		if r = fx.say(t, "scene-"+c.id, c.q); r.ProcedureID != c.id {
			t.Errorf("%q: %q, want %s", c.q, r.ProcedureID, c.id)
		}
	}
	// A supporting paper asked about as a need of the procedure named before
	// it asks about that procedure; a permit asked whether to obtain is its
	// own procedure.
	for _, c := range []struct{ q, id string }{
		{"đăng ký kết hôn có phải mang xác nhận tình trạng hôn nhân không", "dang-ky-ket-hon"},
		{"mở quán ăn có cần xin giấy an toàn thực phẩm không", "an-toan-thuc-pham"},
	} {
		if r = fx.say(t, "need-"+c.id, c.q); r.ProcedureID != c.id {
			t.Errorf("%q: %q, want %s", c.q, r.ProcedureID, c.id)
		}
	}
	// A household business's tax is not its registration.
	r = fx.say(t, "en-hkd-tax", "How much tax does a small coffee shop household business pay and how is it declared?")
	if r.Language != "en" || r.ProcedureID != "thue-ho-kinh-doanh" {
		t.Errorf("English household business tax: %s %q, want thue-ho-kinh-doanh", r.Language, r.ProcedureID)
	}
	// Two topics named (a foreigner's stay, a weapon): the Vietnamese
	// reading of the words chooses one of them.
	r = fx.say(t, "en-two", "I inherited an antique Korean sword from my grandfather. Do I have to declare it to the police?")
	if r.Language != "en" || r.ProcedureID != "khai-bao-vu-khi-tho-so" {
		t.Errorf("English question naming two topics: %s %q, want the weapon's guide", r.Language, r.ProcedureID)
	}
	// A procedure named beside an online channel is what is asked, unless
	// the message says it is not about it: data on VNeID that differs from
	// the birth certificate is the population data, not the birth record.
	r = fx.say(t, "vneid-data", "Trên VNeID năm sinh của bố tôi bị sai so với giấy khai sinh, sửa ở đâu")
	if r.ProcedureID != "dieu-chinh-thong-tin-dan-cu" {
		t.Errorf("VNeID data differing from the birth certificate: %q, want dieu-chinh-thong-tin-dan-cu", r.ProcedureID)
	}
	r = fx.say(t, "en-wedding", "How much does a wedding banquet for 300 guests cost in Saigon?")
	if r.Language != "en" || r.ProcedureID != "" {
		t.Errorf("English wedding banquet: %s %q, want an English reply and no guide", r.Language, r.ProcedureID)
	}
	r = fx.say(t, "en-hint", "What colour is a driving licence in Vietnam?")
	if r.Language != "en" || r.ProcedureID != "" || r.Replies[0].Buttons[0].Action != "proc:doi-giay-phep-lai-xe" {
		t.Errorf("English hint: %+v", r)
	}
	// A licence test is the first licence's guide.
	r = fx.say(t, "en-test", "Where can I get a driving licence test date?")
	if r.Language != "en" || r.ProcedureID != "sat-hach-giay-phep-lai-xe" {
		t.Errorf("English licence test: %s %q, want sat-hach-giay-phep-lai-xe", r.Language, r.ProcedureID)
	}
	// The sentence that asks clears an uncovered subject named before it only
	// when it names what it asks about: "How do I book it?" asks about the
	// embassy's certificate.
	if r = fx.say(t, "en-it", "I need a certificate of no impediment from my embassy to marry in Vietnam. How do I book it?"); r.ProcedureID != "" || r.Language != "en" {
		t.Errorf("English question about an embassy's paper was answered with %q", r.ProcedureID)
	}
	for _, q := range []string{"I lost my Australian passport in Hanoi, where should I go?", "How can I register a Vietnamese SIM card with my passport?"} {
		if r = fx.say(t, "en-oos", q); r.ProcedureID != "" || len(r.Replies[0].Buttons) != 1 {
			t.Errorf("English question the guides do not cover was answered or offered a guide: %q %+v", q, r)
		}
	}
	// English known by the shape of its words, not a list: no Vietnamese
	// syllable ends like "rental", "contract" or "notarised".
	if r = fx.say(t, "en-shape", "Is a tenancy contract required to be notarised here?"); r.Language != "en" || r.ProcedureID != "cong-chung-hop-dong" {
		t.Errorf("English notarised contract: %s %q, want an English lead to the notarisation guide", r.Language, r.ProcedureID)
	}
	if r = fx.say(t, "en-shape", "Are motorbike rentals insured against accidents?"); r.Language != "en" || r.ProcedureID != "" {
		t.Errorf("English insurance question: %s %q, want an English reply and no guide", r.Language, r.ProcedureID)
	}
	// A question no topic names is read through the Vietnamese of its words:
	// answered when the search is sure of one guide, with its own lead; a
	// subject the guides do not cover anywhere in it, or one the guide's
	// topic excludes, leaves it unanswered.
	if r = fx.say(t, "en-words", "how many days do we have to do the sang ten after buying a second hand xe?"); r.Language != "en" || r.ProcedureID != "sang-ten-xe" ||
		!strings.HasPrefix(r.Replies[0].Text, "Your question seems to be about") {
		t.Errorf("English with Vietnamese words: %s %q %q, want the vehicle transfer guide with an English lead", r.Language, r.ProcedureID, r.Replies[0].Text)
	}
	for _, q := range []string{
		"how much does a lawyer charge for a divorce in Da Nang?",
		"Can I get my Japanese pension as a lump sum once I am back home?",
	} {
		if r = fx.say(t, "en-words-oos", q); r.Language != "en" || r.ProcedureID != "" {
			t.Errorf("English %q: %s %q, want an English reply and no guide", q, r.Language, r.ProcedureID)
		}
	}
	for _, q := range []string{"dkkd ho ca the online", "dang ky vneid online tren app shopee"} {
		if r = fx.say(t, "vi-shape", q); r.Language == "en" {
			t.Errorf("%q read as English", q)
		}
	}
	if r = fx.say(t, "en3", "How do I renew my visa, please?"); len(r.Replies[0].Buttons) != 1 {
		t.Errorf("English visa question offered a procedure: %+v", r.Replies[0].Buttons)
	}
	for _, q := range []string{"lệ phí bao nhiêu?", "nộp ở đâu vậy", "hồ sơ bao lâu thì xong?", "có cần mang theo bản chính không"} {
		r := fx.say(t, "generic-"+q, q)
		if r.ProcedureID != "" || r.Intent != bot.IntentHelp {
			t.Errorf("%q: generic question answered %q (%s), want a question back", q, r.ProcedureID, r.Intent)
		}
	}
	for _, q := range []string{"gia hạn visa du lịch cho bạn người nước ngoài", "đổi tiền rách ở ngân hàng nào", "kết quả bóng đá tối qua",
		// importing a car is customs, not "nhập khẩu" into a household
		"con ở Nhật muốn gửi ô tô về cho bố mẹ thì thuế nhập khẩu tính sao",
		// a share of an inheritance is a legal question, not a procedure
		"ông mất không để lại di chúc thì con riêng của ông có phần không",
		// checking whether a certificate is genuine, and valuing a house
		"mua đất mà không biết sổ hồng người ta đưa thật hay giả thì kiểm tra ở đâu",
		"muốn bán nhà thì nhờ cơ quan nào định giá nhà cho đúng",
		// a benefit paid over there is that country's
		"bà ngoại đang nhận lương hưu bên Mỹ, về Việt Nam sống có bị đánh thuế không",
		// a procedure named with the country that runs it is that country's
		"con rể tôi người Đài, cần lý lịch tư pháp của Đài Loan thì xin ở đâu",
		"nghỉ việc bên Hàn rồi, làm trợ cấp thất nghiệp bên hàn cần giấy gì",
		// being let off a land charge is not a school fee exemption
		"gia đình liệt sĩ có được giảm tiền sử dụng đất khi làm sổ không"} {
		r := fx.say(t, "oos-"+q, q)
		if r.ProcedureID != "" {
			t.Errorf("%q: answered %s, want a polite refusal", q, r.ProcedureID)
		}
	}
	// "thủ tục này" with nothing under discussion asks which procedure; the
	// same words after a topic answer it.
	if r := fx.say(t, "deixis", "Thủ tục này làm trên điện thoại được không?"); r.ProcedureID != "" || r.Intent != bot.IntentHelp {
		t.Errorf("back reference without a topic: answered %q (%s), want a question back", r.ProcedureID, r.Intent)
	}
	fx.say(t, "deixis2", "đăng ký khai sinh cho con")
	if r := fx.say(t, "deixis2", "thủ tục này làm online được không"); r.ProcedureID != "dang-ky-khai-sinh" {
		t.Errorf("back reference with a topic: %q", r.ProcedureID)
	}
	// A side question ("với lại", "mà", "nhân tiện") that names what no
	// guide covers leaves the question before it to be answered; asked
	// alone, the uncovered subject is still declined.
	for _, c := range []struct{ q, id string }{
		{"le phi ho chieu bn tien, voi lai di han quoc co can visa ko", "cap-ho-chieu"},
		{"Vay ngân hàng, ngân hàng bảo phải đăng ký thế chấp sổ đỏ ở văn phòng đất đai. Phí đăng ký thế chấp bao nhiêu? Mà ngân hàng nào lãi thấp nhất bây giờ ạ", "dang-ky-the-chap"},
	} {
		if r := fx.say(t, "side-"+c.id, c.q); r.ProcedureID != c.id || !strings.Contains(r.Replies[0].Text, "Câu hỏi thêm của bạn") {
			t.Errorf("side question %q: answered %q (%s) %q, want %s and a word on the side question", c.q, r.ProcedureID, r.Intent, r.Replies, c.id)
		}
	}
	if r := fx.say(t, "side-alone", "ngân hàng nào lãi thấp nhất bây giờ ạ"); r.ProcedureID != "" {
		t.Errorf("uncovered subject asked alone: answered %q", r.ProcedureID)
	}
	// A back reference after the message named the paper points at it.
	if r := fx.say(t, "deixis3", "Công chứng đòi giấy xác nhận số chứng minh nhân dân cũ của mẹ tôi, giấy này xin ở đâu?"); r.ProcedureID != "xac-nhan-so-cmnd" {
		t.Errorf("back reference within the message: %q (%s), want xac-nhan-so-cmnd", r.ProcedureID, r.Intent)
	}
	// A long story around the question: the clause that names the procedure
	// is answered, with the section the whole message asks for; a clause about
	// what was already done is not taken for the question.
	story := "Chào bạn, nhà mình ở xã Phú Mỹ, hai vợ chồng lấy nhau được 12 năm, có 3 đứa con, anh ấy đi làm xa ở Đồng Nai suốt. Mình muốn ly hôn thì cần những giấy tờ gì?"
	if r := fx.say(t, "story", story); r.ProcedureID != "ly-hon" || r.Section != bot.SectionDocuments {
		t.Errorf("story: %s/%s, want ly-hon/documents", r.ProcedureID, r.Section)
	}
	// A procedure named whole beside a subject the guides do not cover is the
	// story when the part that asks is about something else; a part that asks
	// only "where, how long" asks about the procedure named.
	if r := fx.say(t, "story-uncovered", "Ly hôn rồi mà chồng cũ vẫn đến nhà quấy rối, đánh tôi thì tôi gọi ai"); r.ProcedureID != "" {
		t.Errorf("uncovered subject asked after a procedure named whole: answered %s", r.ProcedureID)
	}
	// The same when only the last comma clause asks, and it asks about the
	// uncovered subject, while a clause that asks about the procedure, even
	// beside the subject, keeps the answer; a section cue stripped may leave
	// a name alone whose whole question asks a statistic; a story clause
	// answered alone does not speak for a message whose other clause names
	// another procedure whole, only just short of an answer (the residence
	// told is not the marriage asked). want "" is a refusal.
	for _, c := range []struct{ key, q, want string }{
		{"last-clause-uncovered", "mat vi co het giay to tuy than voi the atm, gio khoa the atm ngan hang the nao cho nhanh a", ""},
		{"last-clause-named", "em la con ho can ngheo, vao dai hoc co duoc mien giam hoc phi ko", "mien-giam-hoc-phi"},
		{"stats", "xa minh nam nay co bao nhieu ho ngheo vay ad", ""},
		// The residence in the story is not what is asked; the wording
		// is that of a marriage question.
		{"two-clauses", "2 đứa em đều ở trọ ở phường Tân An, tạm trú ở đây được 2 năm rồi, đăng ký kết hôn ở phường này luôn được không hay phải về quê 1 trong 2 đứa, mà có mất lệ phí không ạ", "dang-ky-ket-hon"},
	} {
		if r := fx.say(t, c.key, c.q); r.ProcedureID != c.want {
			t.Errorf("%s: answered %q, want %q", c.key, r.ProcedureID, c.want)
		}
	}
	// A comma ends the yes/no question before it: what follows is asked,
	// not denied, and no clause answers with a procedure the whole message
	// says it does not ask about.
	if r := fx.say(t, "comma-clause", "Bằng lái bị trừ hết 12 điểm thì có phải thi lại không, phục hồi điểm kiểu gì"); r.ProcedureID != "" {
		t.Errorf("penalty points asked after a comma: answered %s", r.ProcedureID)
	}
	if r := fx.say(t, "story-purpose", "Ngân hàng đòi giấy xác nhận tình trạng hôn nhân mới cho vay, xin thì mấy ngày có?"); r.ProcedureID != "xac-nhan-tinh-trang-hon-nhan" {
		t.Errorf("a bank's request as the story: %q, want xac-nhan-tinh-trang-hon-nhan", r.ProcedureID)
	}
	// In a message typed with marks "thi" is the exam the paper is for, not
	// "thì": the purpose ends at the comma.
	if r := fx.say(t, "purpose-exam", "Tôi cần chứng thực bản sao học bạ và bằng tốt nghiệp để nộp hồ sơ thi tuyển viên chức, khoảng 10 trang. Cho hỏi chứng thực bản sao ở xã thì mỗi trang bao nhiêu tiền?"); r.ProcedureID != "chung-thuc-ban-sao" {
		t.Errorf("a recruitment exam as the purpose: %q, want chung-thuc-ban-sao", r.ProcedureID)
	}
	// A question that ends inside its purpose asks with the purpose's words:
	// "cần giấy tờ gì" after "để đi học" still asks for the papers.
	if r := fx.say(t, "purpose-end", "chuyển hộ khẩu để đi học cần giấy tờ gì"); r.ProcedureID != "dang-ky-thuong-tru" || r.Section != bot.SectionDocuments {
		t.Errorf("a question ending in its purpose: %s/%s, want dang-ky-thuong-tru/documents", r.ProcedureID, r.Section)
	}
	// A foreign guest told in the story makes the clause that asks about
	// declaring a stay the foreigner's declaration; a renter's own stay,
	// naming no foreigner, is never answered with it.
	if r := fx.say(t, "story-guests", "nha nghi cua bac co khach han quoc thue phong, khai bao tam tru cho ho the nao"); r.ProcedureID != "khai-bao-tam-tru-nguoi-nuoc-ngoai" {
		t.Errorf("foreign guests in the story: %q, want khai-bao-tam-tru-nguoi-nuoc-ngoai", r.ProcedureID)
	}
	if r := fx.say(t, "own-stay", "thue nha tro co phai khai bao tam tru ko"); r.ProcedureID == "khai-bao-tam-tru-nguoi-nuoc-ngoai" {
		t.Errorf("a renter's own stay answered with the foreigner's declaration")
	}
	// The clause that asks outweighs a story clause naming another
	// procedure: the son has no căn cước yet, the question is his passport.
	for _, c := range []struct{ story, section string }{
		{"Vợ tôi mất căn cước tuần trước, giấy tờ lộn xộn hết cả, cuối năm cả nhà lại đi Nhật. Làm hộ chiếu cho vợ cần những gì?", bot.SectionDocuments},
		{"Tôi chưa có thẻ căn cước gắn chip, chỉ có CMND cũ, quê ở Nghệ An, đang làm ở Bình Dương. Cấp hộ chiếu lần đầu thì làm ở đâu?", bot.SectionAgency},
	} {
		if r := fx.say(t, "story-"+c.section, c.story); r.ProcedureID != "cap-ho-chieu" || r.Section != c.section {
			t.Errorf("story naming another procedure: %s/%s, want cap-ho-chieu/%s", r.ProcedureID, r.Section, c.section)
		}
	}
	// The situation of a procedure's own guide, told across clauses, names
	// it better than the clause that asks: a scrapped motorbike's papers are
	// handed back, not registered; a grandmother's pension does not make
	// her death registration a pension claim.
	for _, c := range []struct{ q, id string }{
		{"Chiếc xe máy cũ của bố em hỏng nát rồi, định bán sắt vụn, vậy cái giấy đăng ký với biển số thì phải làm thủ tục gì với công an không ạ?", "thu-hoi-dang-ky-bien-so-xe"},
		{"Bà ngoại mất, nhà muốn làm khai tử rồi nhận tiền mai táng phí luôn một lần, bà có lương hưu thì có được không?", "lien-thong-khai-tu"},
	} {
		if r := fx.say(t, "own-situation-"+c.id, c.q); r.ProcedureID != c.id {
			t.Errorf("a procedure's own situation told across clauses: %q, want %s", r.ProcedureID, c.id)
		}
	}
	// Whether someone may inherit is a legal question, not the inheritance
	// registration nor the adoption.
	// A foreign country's own paper is not issued here, though the guide
	// for the Vietnamese one is named whole in the story.
	for _, q := range []string{"Con nuôi có được hưởng thừa kế như con đẻ không", "con nuoi co dc huong thua ke nhu con de ko",
		"Chồng em người Hàn cần giấy lý lịch tư pháp của bên Hàn để nộp hồ sơ ở VN, anh ấy phải xin ở đâu"} {
		if r := fx.say(t, "inherit-"+q[:3], q); r.ProcedureID != "" {
			t.Errorf("%q answered with %s", q, r.ProcedureID)
		}
	}
	// A complaint is always about something else: the procedure its story
	// names, even a told situation, is what is complained of.
	if r := fx.say(t, "complaint-story", "Cán bộ địa chính xã gây khó dễ, hồ sơ tách thửa nộp 3 tháng vẫn bắt bổ sung lung tung. Tôi muốn tố cáo thì làm thế nào?"); r.ProcedureID != "khieu-nai-to-cao" {
		t.Errorf("a complaint after a land story: %q, want khieu-nai-to-cao", r.ProcedureID)
	}
	// A scene that makes the procedure the asking clause names a particular
	// kind of it keeps that kind.
	if r := fx.say(t, "refined-kind", "Em gái mình sắp lấy chồng người Hàn Quốc, cho hỏi đăng ký kết hôn thì làm ở xã được không hay phải lên tỉnh ạ?"); r.ProcedureID != "ket-hon-co-yeu-to-nuoc-ngoai" {
		t.Errorf("marriage to a Korean: %q, want ket-hon-co-yeu-to-nuoc-ngoai", r.ProcedureID)
	}
	// Nor does a message that says the asking clause's procedure is not
	// what it is about: a card to redo because the province merged.
	if r := fx.say(t, "merged-card", "sau sap nhap tinh dia chi tren cccd doi roi, co phai lam lai cccd ko"); r.ProcedureID != "giay-to-sau-sap-xep-dia-gioi" {
		t.Errorf("a card after the merger: %q, want giay-to-sau-sap-xep-dia-gioi", r.ProcedureID)
	}
	// A clause does not answer for a whole message that is about something
	// else: who the new commune chairman is and his phone number.
	if r := fx.say(t, "chairman", "có ai bít ông chủ tịch xã mới sau sáp nhập tên j, sđt bn k ạ"); r.ProcedureID != "" {
		t.Errorf("the chairman's name and phone answered with %s", r.ProcedureID)
	}
	// In a message typed with marks, "phi" is "phi" (phi nông nghiệp), not
	// the fee cue "phí"; typed without marks, "phi" may be "phí".
	if r := fx.say(t, "phi", "thuế sử dụng đất phi nông nghiệp hằng năm tính thế nào"); r.ProcedureID != "" {
		t.Errorf("annual land tax (not covered) answered with %s", r.ProcedureID)
	}
	// The words a section cue reads may name a subject the guides do not
	// cover: the amount of a fine is not how to pay one.
	if r := fx.say(t, "fine", "vượt đèn đỏ bằng xe máy bị phạt bao nhiêu tiền"); r.ProcedureID != "" {
		t.Errorf("amount of a fine (not covered) answered with %s", r.ProcedureID)
	}
	if r := fx.say(t, "fine2", "nộp phạt vượt đèn đỏ online mất phí không"); r.ProcedureID != "nop-phat-vi-pham-giao-thong" {
		t.Errorf("paying a fine: answered %q", r.ProcedureID)
	}
	// What a paper is for ("để …") is not what is asked for, unless the
	// purpose is itself a procedure; a question that is about something
	// uncovered before its purpose stays declined.
	for _, c := range []struct{ q, want, section string }{
		{"Cần trích lục khai sinh của con để nộp hồ sơ xin học bổng du học, làm ở đâu?", "trich-luc-ho-tich", bot.SectionAgency},
		{"can giay xac nhan cu tru de bo sung ho so vay ngan hang thi xin o dau", "xac-nhan-thong-tin-cu-tru", bot.SectionAgency},
		{"cần những giấy tờ gì để đăng ký kết hôn", "dang-ky-ket-hon", bot.SectionDocuments},
		{"Vay vốn ngân hàng để mua xe máy thì có phải thế chấp sổ đỏ không?", "", ""},
	} {
		if r := fx.say(t, "purpose-"+c.q, c.q); r.ProcedureID != c.want || r.Section != c.section {
			t.Errorf("purpose %q: %s/%s, want %s/%s", c.q, r.ProcedureID, r.Section, c.want, c.section)
		}
	}
	// A story clause is not answered alone when the message is about a
	// subject the guides do not cover, even one a section cue hides ("viện
	// phí"); nor is a private account named like an official one.
	for _, q := range []string{
		"Tôi bị một chiếc xe hơi quẹt trúng, tài xế không chịu trả viện phí, giờ đòi thế nào?",
		"tài khoản shopee bị khóa thì mở lại thế nào",
		"con thi vào lớp 10 công lập thì nộp hồ sơ khi nào",
	} {
		if r := fx.say(t, "uncovered-"+q, q); r.ProcedureID != "" {
			t.Errorf("%q: answered %s, want a polite refusal", q, r.ProcedureID)
		}
	}
	// A section cue that takes what the guide is not about ("thời hạn" of a
	// time-limited building permit) does not leave the guide answered.
	if r := fx.say(t, "excluded", "giấy phép xây dựng có thời hạn làm mất mấy ngày"); r.ProcedureID == "giay-phep-xay-dung" {
		t.Errorf("time-limited permit answered with the house permit guide")
	}
	// Which part of a long message is the question; "" wants a polite refusal.
	for i, c := range []struct{ q, want string }{
		// What was already done ("… rồi thì") is the story; the procedure
		// asked after it is the question. "rồi mà" complains about the thing done.
		{"Cán bộ xã bảo phải có giấy xác nhận tình trạng hôn nhân mới cưới lại được, tôi đã ly hôn rồi thì xin giấy đó ở đâu?", "xac-nhan-tinh-trang-hon-nhan"},
		{"đã xác định mức độ khuyết tật rồi thì xin trợ cấp hằng tháng cần giấy tờ gì", "tro-cap-xa-hoi"},
		{"đăng ký kết hôn xong rồi thì nhập hộ khẩu cho vợ thế nào", "dang-ky-thuong-tru"},
		// "… r mà <another record> vẫn … cũ": that record is asked about.
		{"con doi ten r ma the bhyt van ten cu thi doi o dau", "cap-lai-the-bhyt"},
		// a whole clause done before one that goes on ("…, giờ"); a building
		// finished before what is wanted ("… xong muốn …")
		{"khai tử cho mẹ xong xuôi rồi, giờ xóa thường trú cho bà cần những giấy gì", "xoa-dang-ky-thuong-tru"},
		{"sửa nhà xong muốn nhập hộ khẩu cho con về nhà mới thì cần gì", "dang-ky-thuong-tru"},
		// a bundle that holds the procedure done is no longer what is left
		// to do ("… đã mất, khai tử xong rồi, giờ …")
		{"ông tôi mất rồi, khai tử xong rồi, giờ xóa thường trú cho ông cần giấy gì", "xoa-dang-ky-thuong-tru"},
		// a birth still to register without the father is the birth's
		// guide; a father who wants to be named is the recognition's
		{"làm khai sinh cho bé mà bố mẹ chưa cưới thì cần giấy gì", "dang-ky-khai-sinh"},
		{"khai sinh cho con rồi, giờ bố cháu muốn nhận con thì làm sao", "dang-ky-nhan-cha-me-con"},
		// what was done "sau khi … thì" is the story too; "giờ" (now) before
		// what is asked says nothing about which procedure
		{"sau khi đổi tên cho con thì thẻ bảo hiểm y tế của bé đổi lại ở đâu", "cap-lai-the-bhyt"},
		{"giờ đi đổi căn cước cần mang những gì", "cap-doi-cap-lai-the-can-cuoc"},
		// a relative staying a few days needs a stay notice, whatever the
		// asker calls it
		{"bà con dưới quê lên chơi vài hôm thì nhà có phải đăng ký tạm trú cho họ không", "thong-bao-luu-tru"},
		// Where someone lives ("hộ khẩu ở tỉnh khác", "nơi tạm trú") is the
		// scene of the procedure asked, not residence registration.
		{"mua xe mới mà hộ khẩu ở tỉnh khác thì đăng ký biển số ở nơi tạm trú được không", "dang-ky-xe"},
		{"nhập hộ khẩu ở nhà chồng cần giấy gì", "dang-ky-thuong-tru"},
		// The procedure asked for as a step towards another ("… để đăng ký
		// người phụ thuộc") is the question.
		{"làm mã số thuế cá nhân cho bố để đăng ký người phụ thuộc cần gì", "ma-so-thue-ca-nhan"},
		// A rented room is the scene of another procedure; a procedure named
		// beside submitting online is asked about, not the portal's guide.
		{"Hai đứa thuê trọ chung muốn đăng ký kết hôn, khác tỉnh thì đăng ký ở đâu?", "dang-ky-ket-hon"},
		{"thai san nop ho so online tren dvc duoc ko hay phai qua cong ty", "che-do-thai-san"},
		{"nộp hồ sơ trực tuyến trên cổng dịch vụ công thế nào", "huong-dan-nop-ho-so-truc-tuyen"},
		// A section cue that takes a word of a name ("nộp thuế") leaves the
		// procedure the whole question names.
		{"hộ kinh doanh bán quán nước có phải nộp thuế không", "thue-ho-kinh-doanh"},
		// A clause does not answer with a guide the whole message says it is
		// not about.
		{"quán nhậu đầu hẻm hát karaoke tới 1 giờ sáng, phản ánh ở đâu cho họ dừng", ""},
		// A best hit the evidence sets far above the runner-up is answered
		// though their scores are close.
		{"chứng thực bản sao bằng đại học ở đâu", "chung-thuc-ban-sao"},
		// A loss of papers ("mất hết giấy tờ") is what happened, not a
		// question about papers.
		{"mat het giay to thi lam lai cai gi truoc", "mat-giay-to-tuy-than"},
		{"mat giay to tuy than co can bao cong an ko", "mat-giay-to-tuy-than"},
		// Before the last "thì" a message sets the scene; what follows is
		// asked, unless the scene is a subject the guides do not cover.
		{"ông nội em ở quê mới mất hôm qua thì làm giấy chứng tử thế nào", "dang-ky-khai-tu"},
		{"vợ em đang có bầu tháng thứ năm thì em có được nộp đơn ly hôn không", "ly-hon"},
		{"me mat thi lam giay chung tu ntn", "dang-ky-khai-tu"},
		{"chong dang o tu thi vo co duoc xin ly hon ko", "ly-hon"},
		{"xe đạp điện cũ hư hết rồi không đi nữa thì có phải nộp lại biển số không", "thu-hoi-dang-ky-bien-so-xe"},
		{"bảo hiểm nhân thọ từ chối chi trả cho mẹ em thì khiếu nại ở đâu", ""},
		// Even when the scene names another procedure confidently ("hộ
		// khẩu"); unless the scene makes the asked one a particular kind of
		// it (a foreign spouse), or names what it is not about (an app).
		{"con chua co ho khau o day thi dk vao lop 6 dc ko", "tuyen-sinh-dau-cap"},
		{"con gái lấy chồng hàn quốc thì đăng ký kết hôn ở đâu", "ket-hon-co-yeu-to-nuoc-ngoai"},
		{"sáp nhập xã rồi thì sổ đỏ cũ có phải đổi không", "giay-to-sau-sap-xep-dia-gioi"},
		// The same when the part that asks is a clause of its own, not after
		// "thì"; a general name alone makes no particular kind of it.
		{"bạn trai người hàn của em gái mình muốn cưới ở vn, đăng ký kết hôn ở đâu vậy", "ket-hon-co-yeu-to-nuoc-ngoai"},
		{"khai sinh cho con lam o dau, phuong noi me thuong tru hay noi dang o tro", "dang-ky-khai-sinh"},
		{"tai xe cong nghe bi app khoa tai khoan vo ly thi khieu nai ai", ""},
		// A subject the guides do not cover told as the asker's story does not
		// stop the part that asks from being answered.
		{"Tôi là quân nhân xuất ngũ ở Thái Bình, đóng bảo hiểm đủ 20 năm thì bao nhiêu tuổi được hưởng lương hưu?", "huong-luong-huu"},
		// A sentence that asks whether one is eligible yet ("đủ điều kiện …
		// chưa") is the question, after a story sentence.
		{"Tui năm nay 60 tuổi, đóng bảo hiểm xã hội được 18 năm. Đủ điều kiện lãnh lương hưu chưa?", "huong-luong-huu"},
		{"tra cuu diem thi tot nghiep thpt o dau", ""},
		// Nor does any part of a message that asks something else of the
		// procedure it names (a count of candidates).
		{"nam 2026 co bao nhieu thi sinh dang ky thi tot nghiep thpt", ""},
	} {
		if r := fx.say(t, fmt.Sprint("part-", i), c.q); r.ProcedureID != c.want {
			t.Errorf("%q: answered %q, want %q", c.q, r.ProcedureID, c.want)
		}
	}
	// A question that names only what several procedures share asks which
	// one is meant instead of saying nothing fits.
	if r := fx.say(t, "shared", "bằng lái xe làm ở đâu"); r.ProcedureID != "" || r.Intent != bot.IntentProcedure ||
		!slices.Contains(r.Candidates, "sat-hach-giay-phep-lai-xe") || !slices.Contains(r.Candidates, "cap-lai-giay-phep-lai-xe") {
		t.Errorf("shared thing: %s %s %v, want a question between the licence test and its re-issue", r.ProcedureID, r.Intent, r.Candidates)
	}
	if r := fx.say(t, "phi2", "le phi lam ho chieu"); r.ProcedureID != "cap-ho-chieu" || r.Section != bot.SectionFees {
		t.Errorf("unaccented fee question: %s/%s", r.ProcedureID, r.Section)
	}
	// With a topic in the conversation, a generic follow-up answers that topic.
	fx.say(t, "topic", "đăng ký khai sinh cho con")
	if r := fx.say(t, "topic", "lệ phí bao nhiêu?"); r.ProcedureID != "dang-ky-khai-sinh" || r.Section != bot.SectionFees {
		t.Errorf("follow-up: %s/%s", r.ProcedureID, r.Section)
	}
	r = fx.say(t, "src", "làm lại cccd cần giấy tờ gì")
	if r.Source == nil || r.Source.ProcedureID != "cap-doi-cap-lai-the-can-cuoc" || r.Source.URL == "" || r.Source.Kind != "curated" {
		t.Fatalf("source: %+v", r.Source)
	}
	if !strings.Contains(r.Replies[0].Text, "📄 Nguồn: hướng dẫn") {
		t.Errorf("no provenance line in %q", r.Replies[0].Text)
	}
	// Chat shorthand: "mất bn tiền" asks the fee, it does not report a loss.
	if r := fx.say(t, "short", "lam ho chieu mat bn tien"); r.ProcedureID != "cap-ho-chieu" || r.Section != bot.SectionFees {
		t.Errorf("shorthand: %s/%s", r.ProcedureID, r.Section)
	}
}

// TestOfficialRecordLinks: a curated guide that explains a national code
// offers the official record, and an official record offers its family's
// other procedures (another action on the same licence), once each, at the
// commune.
func TestOfficialRecordLinks(t *testing.T) {
	ix, err := search.NewFromSeed()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	rec := func(code, title, level string) knowledge.Procedure {
		return knowledge.Procedure{ID: search.OfficialID(code), Kind: knowledge.KindOfficial, NationalCode: code, Title: title,
			Level: level, Field: "Lưu thông hàng hóa trong nước", Summary: title + ".",
			Documents: []knowledge.Document{{Name: "Đơn đề nghị"}}, Steps: []string{"Nộp hồ sơ tại Trung tâm phục vụ hành chính công."},
			ProcessingTime: "10 ngày làm việc", Fees: knowledge.Fees{Text: "Theo quy định"}}
	}
	procs := append(ix.All(),
		rec("2.000633", "Cấp giấy phép bán lẻ sản phẩm rượu", "Cấp xã"),
		rec("2.000634", "Cấp giấy phép bán lẻ sản phẩm rượu", "Cấp tỉnh"),
		rec("2.000635", "Cấp lại giấy phép bán lẻ sản phẩm rượu", "Cấp xã"),
		rec("1.001022", "Đăng ký nhận cha, mẹ, con", "Cấp xã"),
	)
	if err := ix.Replace(procs); err != nil {
		t.Fatal(err)
	}
	db := storetest.New(t)
	e, err := bot.New(bot.Config{Searcher: ix, Normalizer: ix, Procedures: ix, Sessions: db.Sessions()})
	if err != nil {
		t.Fatal(err)
	}
	f := fixture{engine: e, db: db}
	actions := func(r bot.Response) map[string]string {
		m := map[string]string{}
		for _, rep := range r.Replies {
			for _, b := range rep.Buttons {
				m[b.Action] = b.Label
			}
		}
		return m
	}
	first, renew := "proc:"+search.OfficialID("2.000633"), "proc:"+search.OfficialID("2.000635")

	r := f.say(t, "links", "xin giấy phép bán lẻ sản phẩm rượu cần giấy tờ gì")
	if r.ProcedureID != search.OfficialID("2.000633") {
		t.Fatalf("licence question answered %q, want the commune record", r.ProcedureID)
	}
	if b := actions(r); b[renew] == "" || b["proc:"+search.OfficialID("2.000634")] != "" {
		t.Errorf("licence answer buttons %v: want the re-issue, not the same licence at the province", b)
	}
	r = f.press(t, "links", renew)
	if r.ProcedureID != search.OfficialID("2.000635") || actions(r)[first] == "" {
		t.Errorf("re-issue: answered %q with buttons %v, want it with the first issue offered", r.ProcedureID, actions(r))
	}

	r = f.say(t, "links", "thủ tục nhận cha mẹ con")
	if r.ProcedureID != "dang-ky-nhan-cha-me-con" {
		t.Fatalf("answered %q, want the curated guide", r.ProcedureID)
	}
	official := "proc:" + search.OfficialID("1.001022")
	if !strings.Contains(actions(r)[official], "1.001022") {
		t.Fatalf("guide buttons %v: want the official record 1.001022", actions(r))
	}
	if r = f.press(t, "links", official); r.ProcedureID != search.OfficialID("1.001022") {
		t.Errorf("pressing the official record answered %q", r.ProcedureID)
	}
}

// A refusal offers the best guide as a "did you mean" button when it stands
// well ahead of the others with nothing in the question against it, and
// offers nothing for a question about something the guides do not cover.
func TestRefusalOffersAClearLead(t *testing.T) {
	f := newEngine(t)
	for i, c := range []struct{ q, want string }{
		{"xe ba banh cho nguoi khuyet tat co phai dang ky bien so ko", "proc:dang-ky-xe"},
		{"giá vàng hôm nay", ""},
	} {
		r := f.say(t, fmt.Sprintf("l%d", i), c.q)
		if r.Intent != bot.IntentFallback || r.ProcedureID != "" {
			t.Fatalf("%q: %s %s", c.q, r.Intent, r.ProcedureID)
		}
		var got string
		for _, b := range r.Replies[0].Buttons {
			if strings.HasPrefix(b.Action, "proc:") {
				got = b.Action
				break
			}
		}
		if got != c.want {
			t.Errorf("%q: first procedure button %q, want %q", c.q, got, c.want)
		}
	}
}

// A question declined because it is about a subject the guides do not cover
// says which subject and where to turn instead, from the not-covered list's
// help text; one whose best hit stands out though not enough to answer asks
// whether that procedure is meant; any other keeps the plain refusal.
func TestDeclineSaysWhereToGo(t *testing.T) {
	f := newEngine(t)
	for i, c := range []struct{ q, want string }{
		{"gia hạn visa cho người nước ngoài ở đâu", "Phòng Quản lý xuất nhập cảnh"},
		{"ly hon thi con 3 tuoi toa se xu cho ai nuoi vay ad", "trợ giúp pháp lý"},
		{"xe ba banh cho nguoi khuyet tat co phai dang ky bien so ko", "Có phải bạn hỏi về thủ tục «Đăng ký, cấp biển số xe»?"},
		{"máy giặt nhà tôi kêu to quá phải làm sao", "chưa tìm được thông tin phù hợp"},
		// a church wedding is the parish's, the legal registration the commune's;
		// a border pass is not the passport
		{"cưới ở nhà thờ thì cha xứ bắt học giáo lý hôn nhân mấy buổi", "giáo xứ"},
		{"xin giấy thông hành sang Lạng Sơn qua Bằng Tường mất mấy ngày", "đồn Biên phòng"},
		// an employer's own insurance and tax filings are not a worker's procedure
		{"công ty mới thành lập, đăng ký tham gia BHXH cho đơn vị lần đầu thế nào", "Bảo hiểm xã hội cơ sở nơi đặt trụ sở"},
		{"khai thuế TNCN hàng tháng cho nhân viên nộp ở đâu", "cơ quan thuế quản lý doanh nghiệp"},
		// a degree or a savings book to update after a name was corrected is
		// the school's or the bank's, not the correction done before
		{"Sửa tên trên bằng đại học sau khi đã đổi tên trong khai sinh thì làm ở đâu?", "cơ quan đã cấp văn bằng"},
		{"đổi họ cho con rồi thì sổ tiết kiệm đứng tên cháu ở ngân hàng đổi tên thế nào", "ngân hàng nơi bạn giao dịch"},
		// choosing between the one-off withdrawal and a pension is advice;
		// what land sells for is the market's
		{"nên rút bhxh một lần hay đóng tiếp để sau này lấy lương hưu", "1900 9068"},
		{"đất thổ cư ở xã em giờ bao nhiêu 1 mét vậy", "bảng giá đất của tỉnh"},
		// a foreigner adopting is not the domestic adoption the guide explains
		{"chồng mới của tôi người Mỹ muốn nhận con riêng của tôi làm con nuôi, thủ tục ra sao", "chưa tìm được thông tin phù hợp"},
		// a company's seal, a lost key to a motorbike, the water contract: no
		// guide's, each says where
		{"con dấu công ty bị mất thì làm sao", "tự khắc con dấu"},
		{"mất chìa khóa xe máy, làm lại ở đâu", "Tiệm sửa khóa"},
		{"đổi tên hợp đồng nước sinh hoạt sang tên con", "công ty cấp nước"},
		// a workplace's own confirmation; life inside the army after the call-up
		{"xin giấy xác nhận đang công tác ở đâu", "nơi bạn làm việc"},
		{"con đi bộ đội, muốn lên thăm con ở đơn vị thì xin phép ai", "Đơn vị quân đội"},
		// a kindergarten's intake is not the grade 1 enrolment; an airport's
		// fee is the airline's
		{"tuyển sinh mầm non cho bé 4 tuổi nộp hồ sơ ở đâu", "trường mầm non gần nhà"},
		{"phí sân bay có tính vào vé không", "hãng hàng không"},
		// free legal advice is legal aid's; whether to cash out social
		// insurance is advice
		{"ở đâu tư vấn luật miễn phí cho người nghèo", "trợ giúp pháp lý"},
		{"em nên rút bhxh một lần hay đóng tiếp cho đủ 20 năm", "1900 9068"},
	} {
		r := f.say(t, fmt.Sprintf("w%d", i), c.q)
		if r.Intent != bot.IntentFallback || r.ProcedureID != "" || !strings.Contains(r.Replies[0].Text, c.want) {
			t.Errorf("%q: %s %q: %q, want it to say %q", c.q, r.Intent, r.ProcedureID, r.Replies[0].Text, c.want)
		}
		if !strings.Contains(r.Replies[0].Text, "Một cửa") {
			t.Errorf("%q: the refusal no longer says where to get help in person", c.q)
		}
	}
}

// Thanks that ask nothing get thanks back, however long; thanks before a
// question, or a greeting before it, leave the question to be answered.
func TestThanksAndGreetingsBeforeQuestions(t *testing.T) {
	f := newEngine(t)
	for i, c := range []struct{ q, intent, id string }{
		{"Em cảm ơn ad, hôm qua em làm căn cước cho bé rất nhanh ạ", bot.IntentGreeting, ""},
		{"chào ad, làm căn cước cho bé cần giấy tờ gì", bot.IntentProcedure, "cap-the-can-cuoc"},
		{"alo ad oi dang ky ket hon can giay to gi", bot.IntentProcedure, "dang-ky-ket-hon"},
	} {
		r := f.say(t, fmt.Sprintf("g%d", i), c.q)
		if r.Intent != c.intent || r.ProcedureID != c.id {
			t.Errorf("%q: %s %q, want %s %q", c.q, r.Intent, r.ProcedureID, c.intent, c.id)
		}
	}
}

// judge is a ScopeJudge that finds the questions it lists asking something
// else.
type judge map[string]float64

func (j judge) AsksElse(q string) float64 { return j[q] }

// A question that names a guide but asks what it does not answer is declined
// with the guide offered as a button and kept for staff; the same guide is
// answered when the button is pressed, and a question the judge finds
// ordinary is answered as before.
func TestQuestionsAskingSomethingElseOfferTheGuide(t *testing.T) {
	db := storetest.New(t)
	ix := index(t)
	const asksElse = "ly hôn rồi chồng cũ không đưa tiền nuôi con thì tòa có phạt anh ta không"
	e, err := bot.New(bot.Config{Searcher: ix, Normalizer: ix, Topics: ix, Procedures: ix, Sessions: db.Sessions(), Unanswered: db.Unanswered(),
		Scope: judge{asksElse: 0.95, "thủ tục ly hôn thuận tình cần giấy tờ gì": 0.05}})
	if err != nil {
		t.Fatal(err)
	}
	f := fixture{engine: e, db: db}
	r := f.say(t, "s1", asksElse)
	if r.Intent != bot.IntentFallback || r.ProcedureID != "" || len(r.Candidates) != 1 {
		t.Fatalf("%q: %s %q %v, want a refusal offering one guide", asksElse, r.Intent, r.ProcedureID, r.Candidates)
	}
	id := r.Candidates[0]
	if id != "ly-hon" {
		t.Fatalf("%q offers %s, want ly-hon", asksElse, id)
	}
	text := r.Replies[0].Text
	for _, want := range []string{"không trả lời được", "Một cửa", "giấy tờ"} {
		if !strings.Contains(text, want) {
			t.Errorf("refusal %q does not say %q", text, want)
		}
	}
	if b := r.Replies[0].Buttons; len(b) == 0 || b[0].Action != "proc:"+id {
		t.Errorf("buttons %+v, want the guide first", b)
	}
	if items, err := db.Unanswered().List(context.Background(), 10); err != nil || len(items) != 1 {
		t.Errorf("unanswered %+v (%v), want the question kept for staff", items, err)
	}
	if r := f.press(t, "s1", "proc:"+id); r.ProcedureID != id {
		t.Errorf("pressing the guide answered %q, want %s", r.ProcedureID, id)
	}
	if r := f.say(t, "s2", "thủ tục ly hôn thuận tình cần giấy tờ gì"); r.ProcedureID != "ly-hon" || r.Section != bot.SectionDocuments {
		t.Errorf("ordinary question: %s %q %s, want ly-hon documents", r.Intent, r.ProcedureID, r.Section)
	}
}

// A question that only asks why a rule or a decision is as it is, or the
// tax due on a sum it names, gets the refusal that offers the guide; a why
// clause beside one that asks how or where, a rent beside a fee, and "sao y"
// (a certified copy) are answered.
func TestWhyAndTaxDueQuestionsOfferTheGuide(t *testing.T) {
	db := storetest.New(t)
	ix := index(t)
	e, err := bot.New(bot.Config{Searcher: ix, Normalizer: ix, Topics: ix, Procedures: ix, Sessions: db.Sessions(), Unanswered: db.Unanswered()})
	if err != nil {
		t.Fatal(err)
	}
	f := fixture{engine: e, db: db}
	for i, c := range []struct {
		q, offered, answered string
	}{
		{q: "sao luật bắt đổi căn cước lúc 25, 40, 60 tuổi vậy, đổi hoài mệt quá", offered: "cap-doi-cap-lai-the-can-cuoc"},
		{q: "tai sao bhyt ho gia dinh nguoi thu 2 lai dong re hon nguoi thu nhat vay", offered: "bhyt-ho-gia-dinh"},
		// a complaint beside the why is no question ("… có ích gì đâu")
		{q: "tại sao học lái xe máy cũng phải thi lý thuyết, có ích gì đâu", offered: "sat-hach-giay-phep-lai-xe"},
		{q: "sao cái gì cũng bắt cài vneid, ông bà già đâu biết xài", offered: "tai-khoan-dinh-danh-dien-tu"},
		{q: "sao lâu vậy, đâu phải ai cũng rảnh, giờ làm lại căn cước ở đâu", answered: "cap-doi-cap-lai-the-can-cuoc"},
		// the why at the end of the question
		{q: "hồ sơ xin giấy phép xây dựng nhà ở của tôi bị trả về vì sao vậy", offered: "giay-phep-xay-dung"},
		{q: "tiệm tạp hóa doanh thu khoảng 300 triệu một năm thì đóng thuế hộ kinh doanh bao nhiêu", offered: "thue-ho-kinh-doanh"},
		{q: "vựa em bán được 3 tấn cà phê thì đóng thuế hộ kinh doanh bao nhiêu", offered: "thue-ho-kinh-doanh"},
		{q: "thuê phòng trọ 2 triệu, đăng ký tạm trú mất bao nhiêu tiền", answered: "dang-ky-tam-tru"},
		{q: "sao y giấy tờ ở ủy ban xã thì mất bao nhiêu tiền một trang", answered: "chung-thuc-ban-sao"},
		{q: "sao hồ sơ bị trả về, giờ muốn chứng thực bản sao thì làm ở đâu", answered: "chung-thuc-ban-sao"},
	} {
		r := f.say(t, fmt.Sprint("w", i), c.q)
		switch {
		case c.answered != "" && r.ProcedureID != c.answered:
			t.Errorf("%q: %s %q, want %s answered", c.q, r.Intent, r.ProcedureID, c.answered)
		case c.offered != "" && (r.ProcedureID != "" || !slices.Contains(r.Candidates, c.offered)):
			t.Errorf("%q: %s %q %v, want a refusal offering %s", c.q, r.Intent, r.ProcedureID, r.Candidates, c.offered)
		}
	}
}

// resembler is a GuideJudge that recognises one guide in every question.
type resembler struct {
	id string
	p  float64
}

func (r resembler) Resembles(string) (string, float64) { return r.id, r.p }

// A question the search is unsure of is answered with the guide its wording
// resembles only when the judge is sure of it and the search ranks it near
// the top; otherwise the bot declines or asks as before.
func TestRecognisedWordingAnswersAGuideTheSearchRanks(t *testing.T) {
	const q = "ba noi 85 tuoi muon lanh tien gia hang thang"
	ix := index(t)
	for _, c := range []struct {
		name   string
		guides bot.GuideJudge
		want   string
	}{
		{"no judge", nil, ""},
		{"the bundled model", ix, "tro-cap-xa-hoi"},
		{"a judge not sure enough", resembler{"tro-cap-xa-hoi", 0.6}, ""},
		{"a guide the search does not rank", resembler{"dang-ky-khai-sinh", 1}, ""},
		// Less sure, the judge must agree with the search's first hit.
		{"a likely guide the search ranks first", resembler{"tro-cap-xa-hoi", 0.85}, "tro-cap-xa-hoi"},
		{"a likely guide the search ranks second", resembler{"huong-luong-huu", 0.85}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := storetest.New(t)
			e, err := bot.New(bot.Config{Searcher: ix, Normalizer: ix, Topics: ix, Scope: ix, Guides: c.guides, Procedures: ix, Sessions: db.Sessions()})
			if err != nil {
				t.Fatal(err)
			}
			r, err := e.Handle(context.Background(), bot.Message{Channel: bot.ChannelWeb, ChatID: "g", Text: q})
			if err != nil {
				t.Fatal(err)
			}
			if r.ProcedureID != c.want {
				t.Errorf("%q answered %q (%s), want %q", q, r.ProcedureID, r.Intent, c.want)
			}
		})
	}
}

type sectionReader struct {
	section string
	p       float64
}

func (r sectionReader) SectionAsked(string) (string, float64) { return r.section, r.p }

// The section judge settles between the parts the cues name when it is sure;
// a question naming no part keeps the overview, and an online guide has no
// separate online part.
func TestSectionJudgeSettlesBetweenNamedParts(t *testing.T) {
	ix := index(t)
	for _, c := range []struct {
		name   string
		q      string
		judge  bot.SectionJudge
		wantID string
		want   string
	}{
		{"no judge", "đăng ký khai sinh cần giấy tờ gì", nil, "dang-ky-khai-sinh", bot.SectionDocuments},
		{"a sure judge", "đăng ký khai sinh cần giấy tờ gì", sectionReader{bot.SectionSteps, 0.97}, "dang-ky-khai-sinh", bot.SectionSteps},
		{"a judge not sure enough", "đăng ký khai sinh cần giấy tờ gì", sectionReader{bot.SectionSteps, 0.6}, "dang-ky-khai-sinh", bot.SectionDocuments},
		{"a judge reading the overview", "đăng ký khai sinh cần giấy tờ gì", sectionReader{bot.SectionOverview, 0.99}, "dang-ky-khai-sinh", bot.SectionDocuments},
		{"a question naming no part", "đăng ký khai sinh", sectionReader{bot.SectionSteps, 0.99}, "dang-ky-khai-sinh", bot.SectionOverview},
		{"the online part of an online guide", "thanh toán lệ phí trực tuyến cần giấy tờ gì", sectionReader{bot.SectionOnline, 0.99}, "huong-dan-thanh-toan-truc-tuyen", bot.SectionDocuments},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := storetest.New(t)
			cfg := bot.Config{Searcher: ix, Normalizer: ix, Topics: ix, Procedures: ix, Sessions: db.Sessions()}
			if c.judge != nil {
				cfg.Sections = c.judge
			}
			e, err := bot.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			r, err := e.Handle(context.Background(), bot.Message{Channel: bot.ChannelWeb, ChatID: "s", Text: c.q})
			if err != nil {
				t.Fatal(err)
			}
			if r.ProcedureID != c.wantID || r.Section != c.want {
				t.Errorf("%q answered %q %q, want %q %q", c.q, r.ProcedureID, r.Section, c.wantID, c.want)
			}
		})
	}
}

// A guide to the online channel itself yields to the procedure the question
// names beside the channel, answered with its online part.
func TestChannelGuideYieldsToTheProcedureNamedBesideIt(t *testing.T) {
	f := newEngine(t)
	r := f.say(t, "ch", "chủ trọ không chịu làm, em tự đăng ký tạm trú online trên vneid được không ạ")
	if r.ProcedureID != "dang-ky-tam-tru" || r.Section != bot.SectionOnline {
		t.Errorf("answered %q %q, want dang-ky-tam-tru online", r.ProcedureID, r.Section)
	}
	r = f.say(t, "ch2", "tạo tài khoản vneid mức 2 ở đâu")
	if r.ProcedureID != "tai-khoan-dinh-danh-dien-tu" {
		t.Errorf("the channel's own question answered %q, want tai-khoan-dinh-danh-dien-tu", r.ProcedureID)
	}
}

// The sentence that asks decides when the story before it names a subject no
// guide covers (a hospital bill) and the asking sentence names a guide whole;
// a complaint or petition asked after a story about a procedure is the
// complaint's guide; a short asking sentence whose name is the story's
// uncovered subject (a trademark's certificate) answers nothing, nor does
// one that asks an opinion.
func TestAskingSentenceAfterAStory(t *testing.T) {
	f := newEngine(t)
	for i, c := range []struct{ q, id string }{
		{"Ba tôi nằm viện hai tuần, viện phí cao quá mà không có thẻ. Giờ mua bảo hiểm y tế hộ gia đình thì mỗi người đóng bao nhiêu tiền?", "bhyt-ho-gia-dinh"},
		{"Hai bên thỏa thuận bồi thường xong rồi, viết giấy tay. Muốn ra phường chứng thực chữ ký hai bên thì làm thế nào?", "chung-thuc-chu-ky"},
		{"Cán bộ hẹn mãi không trả giấy xác nhận cư trú, còn gợi ý bồi dưỡng, tôi muốn tố cáo thì gửi đơn đi đâu", "khieu-nai-to-cao"},
		// the compensation board asking for a paper is the story of the
		// paper asked; a guardian's tax deduction is the deduction, and
		// ending an adoption is no adoption
		{"Ban bồi thường bảo nộp bản sao căn cước, sổ đỏ có chứng thực, em đi chứng thực ở đâu được?", "chung-thuc-ban-sao"},
		{"Em nuôi cháu ruột mồ côi, có đăng ký người phụ thuộc để giảm trừ gia cảnh được không", "giam-tru-gia-canh"},
		{"Muốn chấm dứt việc nuôi con nuôi vì đứa bé hư quá không dạy được thì làm sao", ""},
		{"Hồ sơ đổi sổ đỏ nộp 3 tháng rồi mà vẫn chưa được giải quyết, muốn phản ánh thì gửi ở đâu", "phan-anh-kien-nghi"},
		{"Tôi muốn góp ý là tờ khai đổi bằng lái phải ghi nhiều thứ quá, gửi kiến nghị ở đâu", "phan-anh-kien-nghi"},
		{"Đăng ký nhãn hiệu cho cà phê bị trả vì trùng tên. Bao lâu thì có văn bằng?", ""},
		// the words after the last "thì" ask; an opinion asked is no guide's
		{"Tôi dạy ở trường tư, tối còn dạy thêm ở trung tâm, có 2 nguồn thu nhập thì tự quyết toán thuế thế nào?", "quyet-toan-thue-tncn"},
		{"Xã nói khu này chưa có trong quy hoạch. Theo anh chị thì mấy năm nữa đất ruộng nhà tôi mới được lên thổ cư?", ""},
		// what the story says the guide is not about does not hold against
		// the sentence that asks, which names it whole
		{"Em bị mất hộ chiếu ở Nhật, về nước bằng giấy thông hành rồi. Giờ trình báo mất hộ chiếu ở đâu?", "trinh-bao-mat-ho-chieu"},
		// a clause that asks, before a side remark naming what no guide
		// covers, answers alone
		{"đăng ký hộ kinh doanh nộp ở đâu ạ, em sợ bị lừa qua mấy dịch vụ làm hộ trên mạng", "dang-ky-ho-kinh-doanh"},
		// a divorce already done, a card just made again, are the story
		{"Tôi muốn làm hộ chiếu cho con, mẹ cháu (đã ly hôn) không đồng ý ký thì làm thế nào?", "cap-ho-chieu"},
		{"Tôi vừa làm lại căn cước, giờ bố mẹ muốn tặng cho tôi mảnh đất thì làm tặng cho cần giấy gì?", "tang-cho-dat"},
	} {
		if r := f.say(t, fmt.Sprintf("s%d", i), c.q); r.ProcedureID != c.id {
			t.Errorf("%q: answered %q, want %q", c.q, r.ProcedureID, c.id)
		}
	}
}
