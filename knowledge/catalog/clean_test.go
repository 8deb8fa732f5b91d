package catalog

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestStripNumbering(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Bước 1: Nộp hồ sơ", "Nộp hồ sơ"},
		{"BƯỚC 2. Nhận kết quả", "Nhận kết quả"},
		{"Bước 3 - Trả kết quả", "Trả kết quả"},
		{"1. Tờ khai", "Tờ khai"},
		{"2) Giấy chứng sinh", "Giấy chứng sinh"},
		{"(3) Bản sao", "Bản sao"},
		{"2.1. Kiểm tra", "Kiểm tra"},
		{"a) Người yêu cầu", "Người yêu cầu"},
		{"b. Cơ quan", "Cơ quan"},
		{"II. Trình tự", "Trình tự"},
		{"- Trực tiếp", "Trực tiếp"},
		{"+ Qua bưu chính", "Qua bưu chính"},
		{"• Trực tuyến", "Trực tuyến"},
		{"- Bước 4: Lưu hồ sơ", "Lưu hồ sơ"},
		// Not markers.
		{"1.001193 là mã", "1.001193 là mã"},
		{"01 bản chính", "01 bản chính"},
		{"3 - 5 ngày làm việc", "3 - 5 ngày làm việc"},
		{"10/2015/NĐ-CP", "10/2015/NĐ-CP"},
		{"Ủy ban nhân dân", "Ủy ban nhân dân"},
		{"- 5 ngày", "5 ngày"},
	}
	for _, tt := range tests {
		if got := StripNumbering(tt.in); got != tt.want {
			t.Errorf("StripNumbering(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestStripPreamble(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Căn cứ Luật Hộ tịch năm 2014, người yêu cầu nộp tờ khai.", "Người yêu cầu nộp tờ khai."},
		{"Theo quy định tại Điều 16 Nghị định số 123/2015/NĐ-CP: công chức tư pháp kiểm tra hồ sơ.", "Công chức tư pháp kiểm tra hồ sơ."},
		{"Căn cứ theo khoản 1 Điều 5 Thông tư 04/2020/TT-BTP, cơ quan trả kết quả.", "Cơ quan trả kết quả."},
		{"Theo quy định, người dân nộp lệ phí.", "Người dân nộp lệ phí."},
		{"Căn cứ Nghị định số 123/2015/NĐ-CP", ""},
		// Not legal preambles.
		{"Căn cứ vào hồ sơ, cán bộ kiểm tra.", "Căn cứ vào hồ sơ, cán bộ kiểm tra."},
		{"Theo lịch hẹn, người dân đến nhận kết quả.", "Theo lịch hẹn, người dân đến nhận kết quả."},
	}
	for _, tt := range tests {
		if got := StripPreamble(tt.in); got != tt.want {
			t.Errorf("StripPreamble(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPlaceholders(t *testing.T) {
	for _, s := range []string{"Không quy định", "không", "KHÔNG CÓ", "Không quy định.", " N/A ", "…", "-", "Không có yêu cầu, điều kiện"} {
		if !IsPlaceholder(s) {
			t.Errorf("%q is a placeholder", s)
		}
	}
	for _, s := range []string{"Không quá 5 ngày", "Giấy khai sinh", "0"} {
		if IsPlaceholder(s) {
			t.Errorf("%q is not a placeholder", s)
		}
	}
}

func TestTruncateAtSentence(t *testing.T) {
	s := strings.Repeat("Câu thứ nhất khá dài. ", 20) + strings.Repeat("x", 100)
	got := Truncate(s, 200)
	if utf8.RuneCountInString(got) > 200 || !strings.HasSuffix(got, ".…") {
		t.Fatalf("Truncate = %q (%d runes)", got, utf8.RuneCountInString(got))
	}
	if Truncate("ngắn", 10) != "ngắn" {
		t.Fatal("short text changed")
	}
	if got := Truncate(strings.Repeat("a", 50), 10); got != strings.Repeat("a", 9)+"…" {
		t.Fatalf("no boundary: %q", got)
	}
}

// The boilerplate official records carry is cleaned from every section.
func TestConvertCleansBoilerplate(t *testing.T) {
	rec := Record{
		Code:     " 1.004227 ",
		Name:     "  Đăng ký   kết hôn  ",
		Field:    "Hộ tịch",
		Level:    Lines{"Cấp xã; Cấp xã", "Cấp tỉnh"},
		Agency:   "UBND cấp xã",
		Subjects: "- Công dân Việt Nam\n- Người nước ngoài",
		Steps: Lines{"Bước 1: Căn cứ Luật Hộ tịch năm 2014, hai bên nam, nữ nộp tờ khai.\n" +
			"- Trực tiếp tại Bộ phận một cửa\n" +
			"- Qua Cổng Dịch vụ công\n" +
			"Bước 2: Theo quy định tại Điều 18 Luật Hộ tịch: công chức tư pháp - hộ tịch kiểm tra hồ sơ.\n" +
			"Bước 3:    Trao   giấy chứng nhận kết hôn."},
		Documents:      Documents{{Name: "1. Tờ khai đăng ký kết hôn\n2. Giấy xác nhận tình trạng hôn nhân"}, {Name: "Không"}},
		ProcessingTime: "Không quy định",
		Fees:           "Không",
		Result:         "Không",
		Conditions:     "a) Theo quy định tại Điều 8 Luật Hôn nhân và gia đình, nam từ đủ 20 tuổi, nữ từ đủ 18 tuổi;\nb) Tự nguyện quyết định.",
		LegalBasis:     Lines{"1. Luật Hộ tịch số 60/2014/QH13", "2. Luật Hộ tịch số 60/2014/QH13", "Không quy định"},
		Methods: Methods{
			{Channel: "Trực tiếp", Time: "Ngay trong ngày", Fee: "Miễn lệ phí"},
			{Channel: "Trực tuyến toàn trình", Time: "03 ngày làm việc", Fee: "Miễn lệ phí"},
		},
		URL: "dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.004227",
	}
	p, withdrawn, err := Convert(rec)
	if err != nil || withdrawn {
		t.Fatalf("Convert: %v (withdrawn %v)", err, withdrawn)
	}
	wantSteps := []string{
		"Hai bên nam, nữ nộp tờ khai. Trực tiếp tại Bộ phận một cửa; Qua Cổng Dịch vụ công",
		"Công chức tư pháp - hộ tịch kiểm tra hồ sơ.",
		"Trao giấy chứng nhận kết hôn.",
	}
	if strings.Join(p.Steps, "|") != strings.Join(wantSteps, "|") {
		t.Errorf("steps:\n%q\nwant\n%q", p.Steps, wantSteps)
	}
	if p.Title != "Đăng ký kết hôn" || p.NationalCode != "1.004227" || p.ID != "tthc-1-004227" || p.Level != "Cấp xã, Cấp tỉnh" {
		t.Errorf("title %q code %q id %q level %q", p.Title, p.NationalCode, p.ID, p.Level)
	}
	if p.Subjects != "Công dân Việt Nam\nNgười nước ngoài" {
		t.Errorf("subjects %q", p.Subjects)
	}
	if len(p.Documents) != 2 || p.Documents[0].Name != "Tờ khai đăng ký kết hôn" || p.Documents[1].Name != "Giấy xác nhận tình trạng hôn nhân" {
		t.Errorf("documents %+v", p.Documents)
	}
	if p.Fees.Amount == nil || *p.Fees.Amount != 0 || p.Result != "" {
		t.Errorf("fees %+v result %q", p.Fees, p.Result)
	}
	if p.Conditions != "Nam từ đủ 20 tuổi, nữ từ đủ 18 tuổi;\nTự nguyện quyết định." {
		t.Errorf("conditions %q", p.Conditions)
	}
	if len(p.LegalBasis) != 1 || p.LegalBasis[0] != "Luật Hộ tịch số 60/2014/QH13" {
		t.Errorf("legal basis %q", p.LegalBasis)
	}
	// The record's own time was a placeholder: the per-channel times fill it.
	if p.ProcessingTime != "Trực tiếp: Ngay trong ngày\nTrực tuyến: 03 ngày làm việc" {
		t.Errorf("processing time %q", p.ProcessingTime)
	}
	if p.Online.Level != "full" || p.Source != "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.004227" {
		t.Errorf("online %+v source %q", p.Online, p.Source)
	}
}

func TestConvertSplitsInlineSteps(t *testing.T) {
	p, _, err := Convert(Record{Code: "1.000777", Name: "Thủ tục thử", Steps: Lines{
		"Bước 1: Nộp hồ sơ tại Bộ phận Một cửa: - Nộp trực tiếp; - Nộp qua bưu chính. Bước 2: Nhận kết quả. Bước 3: Căn cứ Luật Cư trú, lưu hồ sơ."}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Nộp hồ sơ tại Bộ phận Một cửa: Nộp trực tiếp; Nộp qua bưu chính.", "Nhận kết quả.", "Lưu hồ sơ."}
	if strings.Join(p.Steps, "|") != strings.Join(want, "|") {
		t.Fatalf("steps %q, want %q", p.Steps, want)
	}
}

func TestConvertFoldsChannelFees(t *testing.T) {
	p, _, err := Convert(Record{Code: "2.000001", Name: "Cấp giấy phép", Methods: Methods{
		{Channel: "Trực tiếp", Time: "10 ngày", Fee: "Lệ phí: 100.000 đồng"},
		{Channel: "Dịch vụ bưu chính", Time: "10 ngày", Fee: "Lệ phí: 100.000 đồng"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if p.ProcessingTime != "10 ngày" || p.Fees.Text != "Lệ phí: 100.000 đồng" || p.Online.Level != "none" ||
		p.Online.Text != "Chưa nộp trực tuyến được; nộp trực tiếp hoặc qua dịch vụ bưu chính." {
		t.Fatalf("time %q fees %+v online %+v", p.ProcessingTime, p.Fees, p.Online)
	}
}

// However long the official texts, the record stays within the model's limits.
func TestConvertKeepsWithinLimits(t *testing.T) {
	long := strings.Repeat("Người yêu cầu chuẩn bị đầy đủ giấy tờ theo quy định của pháp luật hiện hành. ", 60)
	var docs Documents
	var legal Lines
	for i := 0; i < 300; i++ {
		docs = append(docs, Document{Name: long})
		legal = append(legal, "Văn bản "+strconv.Itoa(i)+": "+long)
	}
	p, _, err := Convert(Record{
		Code: "1.000123", Name: Text(strings.Repeat("Tên rất dài ", 60)), Steps: Lines{long, long}, Documents: docs,
		LegalBasis: legal, Conditions: Text(strings.Repeat(long+"\n", 10)), Agency: Text(long), Result: Text(long),
	})
	if err != nil {
		t.Fatalf("a long record is invalid: %v", err)
	}
	if utf8.RuneCountInString(p.Title) > maxTitle || !strings.HasSuffix(p.Title, "…") {
		t.Errorf("title %d runes", utf8.RuneCountInString(p.Title))
	}
	if n := utf8.RuneCountInString(p.Steps[0]); n > maxItemText || !strings.HasSuffix(p.Steps[0], ".…") {
		t.Errorf("step %d runes, ends %q", n, p.Steps[0][len(p.Steps[0])-10:])
	}
	if len(p.Documents) != maxItems || len(p.LegalBasis) != maxItems {
		t.Errorf("%d documents, %d legal texts", len(p.Documents), len(p.LegalBasis))
	}
}
