package catalog

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"
)

// portalHeader is the header row of the portal's export, in its order.
var portalHeader = []string{"Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Cấp thực hiện", "Cơ quan thực hiện",
	"Đối tượng thực hiện", "Trình tự thực hiện", "Cách thức thực hiện", "Thành phần hồ sơ", "Thời hạn giải quyết",
	"Phí, lệ phí", "Kết quả thực hiện", "Yêu cầu, điều kiện", "Căn cứ pháp lý", "Tình trạng hiệu lực", "Đường dẫn"}

// sampleRows are two records as a province publishes them: the first in force,
// the second no longer.
var sampleRows = [][]string{
	{"1.001193", "Đăng ký khai sinh", "Hộ tịch", "Cấp xã", "Ủy ban nhân dân cấp xã",
		"Công dân Việt Nam", "Bước 1: Người có yêu cầu nộp hồ sơ.\nBước 2: Công chức tư pháp - hộ tịch kiểm tra hồ sơ.",
		"Trực tiếp | Ngay trong ngày | Không\nTrực tuyến | Ngay trong ngày | Không | Nộp qua Cổng Dịch vụ công",
		"Tờ khai đăng ký khai sinh | 01 bản chính | Mẫu TK1\nGiấy chứng sinh | 01 bản chính", "Ngay trong ngày làm việc",
		"Miễn lệ phí", "Giấy khai sinh", "Không quy định", "Luật Hộ tịch số 60/2014/QH13\nNghị định số 123/2015/NĐ-CP",
		"Còn hiệu lực", "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.001193"},
	{"2.000986", "Cấp lại giấy phép kinh doanh", "Công thương", "Cấp tỉnh", "Sở Công Thương",
		"Doanh nghiệp", "1. Nộp hồ sơ\n2. Nhận kết quả", "Trực tiếp", "Đơn đề nghị", "15 ngày", "200.000 đồng",
		"Giấy phép", "", "Nghị định số 09/2018/NĐ-CP", "Hết hiệu lực", ""},
}

func csvOf(t testing.TB, header []string, rows [][]string) []byte {
	t.Helper()
	return csvWith(t, ',', header, rows)
}

func csvWith(t testing.TB, comma rune, header []string, rows [][]string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Comma = comma
	_ = w.Write(header)
	_ = w.WriteAll(rows)
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func xlsxOf(t testing.TB, header []string, rows [][]string, titleRows int) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	row := 1
	for i := 0; i < titleRows; i++ {
		_ = f.SetCellStr(sheet, "A1", "DANH MỤC THỦ TỤC HÀNH CHÍNH THUỘC THẨM QUYỀN GIẢI QUYẾT")
		row++
	}
	set := func(cells []string) {
		vals := make([]any, len(cells))
		for i, c := range cells {
			vals[i] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, row)
		if err := f.SetSheetRow(sheet, cell, &vals); err != nil {
			t.Fatal(err)
		}
		row++
	}
	set(header)
	for _, r := range rows {
		set(r)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const sampleJSONL = `{"code":"1.001193","name":"Đăng ký khai sinh","field":"Hộ tịch","level":"Cấp xã","agency":"Ủy ban nhân dân cấp xã","subjects":"Công dân Việt Nam","steps":"Bước 1: Người có yêu cầu nộp hồ sơ.\nBước 2: Công chức tư pháp - hộ tịch kiểm tra hồ sơ.","methods":[{"channel":"Trực tiếp","time":"Ngay trong ngày","fee":"Không"},{"channel":"Trực tuyến","time":"Ngay trong ngày","fee":"Không","note":"Nộp qua Cổng Dịch vụ công"}],"documents":[{"name":"Tờ khai đăng ký khai sinh","copies":"01 bản chính","form":"Mẫu TK1"},"Giấy chứng sinh"],"processing_time":"Ngay trong ngày làm việc","fees":"Miễn lệ phí","result":"Giấy khai sinh","conditions":"Không quy định","legal_basis":["Luật Hộ tịch số 60/2014/QH13","Nghị định số 123/2015/NĐ-CP"],"status":"Còn hiệu lực","url":"https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1.001193"}
{"code":"2.000986","name":"Cấp lại giấy phép kinh doanh","field":"Công thương","level":["Cấp tỉnh"],"agency":"Sở Công Thương","subjects":"Doanh nghiệp","steps":["1. Nộp hồ sơ","2. Nhận kết quả"],"methods":["Trực tiếp"],"documents":["Đơn đề nghị"],"processing_time":"15 ngày","fees":"200.000 đồng","result":"Giấy phép","legal_basis":["Nghị định số 09/2018/NĐ-CP"],"status":"Hết hiệu lực"}
`

func readAll(t *testing.T, data []byte, f Format) []Entry {
	t.Helper()
	es, err := ReadAll(context.Background(), bytes.NewReader(data), f)
	if err != nil {
		t.Fatalf("ReadAll(%s): %v", f, err)
	}
	return es
}

// Every format yields the same two procedures.
func TestReadEachFormat(t *testing.T) {
	jsonArray := "[" + strings.Join(strings.Split(strings.TrimSpace(sampleJSONL), "\n"), ",\n") + "]"
	tests := []struct {
		name     string
		data     []byte
		format   Format
		firstRow int
	}{
		{"jsonl", []byte(sampleJSONL), FormatJSONL, 1},
		{"json", []byte(jsonArray), FormatJSON, 1},
		{"csv", csvOf(t, portalHeader, sampleRows), FormatCSV, 2},
		{"csv with BOM and semicolons", append([]byte("\ufeff"), csvWith(t, ';', portalHeader, sampleRows)...), FormatCSV, 2},
		{"xlsx", xlsxOf(t, portalHeader, sampleRows, 0), FormatXLSX, 2},
		{"xlsx with a title row", xlsxOf(t, portalHeader, sampleRows, 1), FormatXLSX, 3},
		{"sniffed jsonl", []byte(sampleJSONL), "", 1},
		{"sniffed xlsx", xlsxOf(t, portalHeader, sampleRows, 0), "", 2},
		{"sniffed csv", csvOf(t, portalHeader, sampleRows), "", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es := readAll(t, tt.data, tt.format)
			if len(es) != 2 {
				t.Fatalf("%d entries, want 2: %+v", len(es), es)
			}
			for _, e := range es {
				if e.Err != nil {
					t.Fatalf("row %d: %v", e.Row, e.Err)
				}
			}
			a, b := es[0], es[1]
			if a.Row != tt.firstRow || b.Row != tt.firstRow+1 {
				t.Errorf("rows %d, %d; want %d, %d", a.Row, b.Row, tt.firstRow, tt.firstRow+1)
			}
			p := a.Procedure
			if p.ID != "tthc-1-001193" || p.Kind != "official" || p.NationalCode != "1.001193" || p.Title != "Đăng ký khai sinh" ||
				p.Field != "Hộ tịch" || p.Level != "Cấp xã" || p.Agency != "Ủy ban nhân dân cấp xã" || p.Subjects != "Công dân Việt Nam" {
				t.Errorf("identity: %+v", p)
			}
			if len(p.Steps) != 2 || p.Steps[0] != "Người có yêu cầu nộp hồ sơ." || p.Steps[1] != "Công chức tư pháp - hộ tịch kiểm tra hồ sơ." {
				t.Errorf("steps %q", p.Steps)
			}
			if len(p.Documents) != 2 || p.Documents[0].Name != "Tờ khai đăng ký khai sinh" || p.Documents[0].Copies != "01 bản chính" ||
				p.Documents[0].Form != "Mẫu TK1" || p.Documents[1].Name != "Giấy chứng sinh" {
				t.Errorf("documents %+v", p.Documents)
			}
			if p.Online.Level != "partial" || !strings.Contains(p.Online.Text, "Nộp qua Cổng Dịch vụ công") || p.Online.URL != p.Source {
				t.Errorf("online %+v", p.Online)
			}
			if p.ProcessingTime != "Ngay trong ngày làm việc" || p.Fees.Text != "Miễn lệ phí" || p.Result != "Giấy khai sinh" || p.Conditions != "" {
				t.Errorf("time %q fees %+v result %q conditions %q", p.ProcessingTime, p.Fees, p.Result, p.Conditions)
			}
			if len(p.LegalBasis) != 2 || !strings.HasPrefix(p.Source, "https://dichvucong.gov.vn/") {
				t.Errorf("legal %q source %q", p.LegalBasis, p.Source)
			}
			if !strings.HasPrefix(p.Summary, "Đăng ký khai sinh: thủ tục hành chính cấp xã thuộc lĩnh vực hộ tịch, do Ủy ban nhân dân cấp xã giải quyết.") ||
				!strings.Contains(p.Summary, "Dành cho: công dân Việt Nam.") || !strings.Contains(p.Summary, "Kết quả: giấy khai sinh.") {
				t.Errorf("summary %q", p.Summary)
			}
			if a.Withdrawn || !b.Withdrawn {
				t.Errorf("withdrawn: %v %v", a.Withdrawn, b.Withdrawn)
			}
			q := b.Procedure
			if q.ID != "tthc-2-000986" || len(q.Steps) != 2 || q.Steps[0] != "Nộp hồ sơ" || q.Online.Level != "none" ||
				q.Online.Text != "Chưa nộp trực tuyến được; nộp trực tiếp." || q.Fees.Text != "200.000 đồng" {
				t.Errorf("second record: steps %q online %+v fees %+v", q.Steps, q.Online, q.Fees)
			}
		})
	}
}

func TestHeaderMatchingIgnoresCaseAccentsAndSpacing(t *testing.T) {
	tests := []struct {
		name   string
		header []string
	}{
		{"upper case", []string{"MÃ THỦ TỤC", "TÊN THỦ TỤC", "PHÍ, LỆ PHÍ"}},
		{"no accents", []string{"ma thu tuc", "ten thu tuc", "phi le phi"}},
		{"odd spacing", []string{"  Mã  thủ   tục ", "Tên\tthủ tục", "Phí ,  lệ phí"}},
		{"decomposed (NFD)", []string{norm.NFD.String("Mã thủ tục"), norm.NFD.String("Tên thủ tục"), norm.NFD.String("Phí, lệ phí")}},
		{"contract names", []string{"code", "name", "fees"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := csvOf(t, tt.header, [][]string{{"1.000001", "Thủ tục thử", "50.000 đồng"}})
			es := readAll(t, data, FormatCSV)
			if len(es) != 1 || es[0].Err != nil {
				t.Fatalf("entries %+v", es)
			}
			if p := es[0].Procedure; p.NationalCode != "1.000001" || p.Title != "Thủ tục thử" || p.Fees.Text != "50.000 đồng" {
				t.Fatalf("procedure %+v", p)
			}
		})
	}
}

func TestMissingHeaderIsMalformed(t *testing.T) {
	for name, data := range map[string][]byte{
		"csv":   csvOf(t, []string{"STT", "Tên"}, [][]string{{"1", "x"}}),
		"xlsx":  xlsxOf(t, []string{"STT", "Tên"}, [][]string{{"1", "x"}}, 0),
		"empty": nil,
	} {
		_, err := ReadAll(context.Background(), bytes.NewReader(data), FormatCSV)
		if name == "xlsx" {
			_, err = ReadAll(context.Background(), bytes.NewReader(data), FormatXLSX)
		}
		if !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err %v, want ErrMalformed", name, err)
		}
	}
}

// Quote errors: confined to one row they reject that row with its line; a
// quote left open to the end stops the import with the line where it opened.
func TestCSVQuotesAreStrict(t *testing.T) {
	head := "Mã thủ tục,Tên thủ tục,Lĩnh vực\n"
	tests := []struct {
		name      string
		body      string
		wantFatal string
		wantRows  []int    // rows kept, in order
		wantBad   []string // row errors, in order ("row:text")
	}{
		{
			name:     "bare quote",
			body:     "1.000001,Thủ tục một,Hộ tịch\n1.000002,Thủ \"tục\" hai,Hộ tịch\n1.000003,Thủ tục ba,Hộ tịch\n",
			wantRows: []int{2, 4},
			wantBad:  []string{`3:line 3: a quote (") inside an unquoted cell (column "Tên thủ tục")`},
		},
		{
			name:     "stray quote in a quoted cell",
			body:     "1.000001,\"Thủ tục \"một\" hai\",Hộ tịch\n1.000002,Thủ tục hai,Hộ tịch\n",
			wantRows: []int{3},
			wantBad:  []string{"2:line 2: a stray quote"},
		},
		{
			name:      "quote never closed",
			body:      "1.000001,Thủ tục một,Hộ tịch\n1.000002,\"Thủ tục hai,Hộ tịch\n1.000003,Thủ tục ba,Hộ tịch\n1.000004,Thủ tục bốn,Hộ tịch\n",
			wantFatal: "line 3: a quoted cell opened in this row is never closed (the file ends at line 5)",
		},
		{
			name:     "too few and too many cells",
			body:     "1.000001,Thủ tục một\n1.000002,Thủ tục hai,Hộ tịch,thừa\n1.000003,Thủ tục ba,Hộ tịch\n",
			wantRows: []int{4},
			wantBad:  []string{"2:line 2: 2 cells where the header has 3", "3:line 3: 4 cells where the header has 3"},
		},
		{
			name:     "multi-line cells keep their rows",
			body:     "1.000001,\"Thủ tục\nmột\",Hộ tịch\n1.000002,Thủ tục hai,Hộ tịch\n",
			wantRows: []int{2, 3},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es, err := ReadAll(context.Background(), strings.NewReader(head+tt.body), FormatCSV)
			if tt.wantFatal != "" {
				if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tt.wantFatal) {
					t.Fatalf("err %v, want ErrMalformed with %q", err, tt.wantFatal)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var kept []int
			var bad []string
			for _, e := range es {
				if e.Err != nil {
					bad = append(bad, e.Err.Error())
					if !strings.HasPrefix(strconv.Itoa(e.Row)+":"+e.Err.Error(), tt.wantBad[len(bad)-1]) {
						t.Errorf("bad row %d: %v; want %q", e.Row, e.Err, tt.wantBad[len(bad)-1])
					}
				} else {
					kept = append(kept, e.Row)
				}
			}
			if len(bad) != len(tt.wantBad) || !equalInts(kept, tt.wantRows) {
				t.Fatalf("kept rows %v, bad %q; want %v and %d bad", kept, bad, tt.wantRows, len(tt.wantBad))
			}
		})
	}
}

// Bad records are reported with row, code and reason; the good ones are kept.
func TestBadRowsReportedGoodRowsKept(t *testing.T) {
	lines := []string{
		`{"code":"1.000001","name":"Thủ tục tốt một"}`,
		`{"code":"","name":"Không có mã"}`,
		`{"code":"ABC","name":"Mã sai"}`,
		`{"code":"1.000004"}`,
		`{"code":"1.000001","name":"Trùng mã"}`,
		`{"code":"1.000006","name":"Tình trạng lạ","status":"Tạm dừng"}`,
		`{"code":"1.000007","name":"Kiểu sai","documents":{"a":1}}`,
		`{"code":"1.000008","name": "JSON hỏng"`,
		``,
		`{"code":"1.000010","name":"Thủ tục tốt hai","url":"khong phai url"}`,
		`{"code":1.000011,"name":"Thủ tục tốt ba"}`,
	}
	es := readAll(t, []byte(strings.Join(lines, "\n")), FormatJSONL)
	want := []struct {
		row     int
		code    string
		errPart string
	}{
		{1, "1.000001", ""},
		{2, "", "code (Mã thủ tục) is required"},
		{3, "ABC", "must look like 1.001193"},
		{4, "1.000004", "name (Tên thủ tục) is required"},
		{5, "1.000001", "already appears in row 1"},
		{6, "1.000006", "must be Còn hiệu lực or Hết hiệu lực"},
		{7, "1.000007", "documents: must be text, got an object"},
		{8, "", "line 8: not a valid JSON object"},
		{10, "1.000010", "source: must be an http(s) URL"},
		{11, "1.000011", ""},
	}
	if len(es) != len(want) {
		t.Fatalf("%d entries, want %d: %+v", len(es), len(want), es)
	}
	for i, w := range want {
		e := es[i]
		if e.Row != w.row || e.Code != w.code {
			t.Errorf("entry %d: row %d code %q; want row %d code %q", i, e.Row, e.Code, w.row, w.code)
		}
		switch {
		case w.errPart == "" && e.Err != nil:
			t.Errorf("row %d: unexpected error %v", e.Row, e.Err)
		case w.errPart != "" && (e.Err == nil || !strings.Contains(e.Err.Error(), w.errPart)):
			t.Errorf("row %d: error %v, want %q", e.Row, e.Err, w.errPart)
		}
	}
}

func TestJSONArraySyntaxErrorIsMalformed(t *testing.T) {
	_, err := ReadAll(context.Background(), strings.NewReader(`[{"code":"1.000001","name":"a"}, {"code": }]`), FormatJSON)
	if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "record 2") {
		t.Fatalf("err %v", err)
	}
	_, err = ReadAll(context.Background(), strings.NewReader(`{"code":"1.000001"}`), FormatJSON)
	if !errors.Is(err, ErrMalformed) {
		t.Fatalf("object as .json: %v", err)
	}
	_, err = ReadAll(context.Background(), strings.NewReader(`[{"code":"1.000001","name":"a"}]`), FormatJSONL)
	if !errors.Is(err, ErrMalformed) {
		t.Fatalf("array as .jsonl: %v", err)
	}
}

func TestDetectFormat(t *testing.T) {
	tests := []struct {
		file, ct string
		want     Format
		err      error
	}{
		{"danh-muc.jsonl", "", FormatJSONL, nil},
		{"a.NDJSON", "", FormatJSONL, nil},
		{"a.json", "text/plain", FormatJSON, nil},
		{"C:\\exports\\tinh.csv", "", FormatCSV, nil},
		{"a.xlsx", "", FormatXLSX, nil},
		{"", "text/csv; charset=utf-8", FormatCSV, nil},
		{"", "application/x-ndjson", FormatJSONL, nil},
		{"", "application/json", FormatJSON, nil},
		{"", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", FormatXLSX, nil},
		{"", "application/octet-stream", "", nil},
		{"", "", "", nil},
		{"a.xls", "", "", ErrUnknownFormat},
		{"a.pdf", "", "", ErrUnknownFormat},
		{"", "image/png", "", ErrUnknownFormat},
	}
	for _, tt := range tests {
		got, err := DetectFormat(tt.file, tt.ct)
		if got != tt.want || !errors.Is(err, tt.err) {
			t.Errorf("DetectFormat(%q, %q) = %q, %v; want %q, %v", tt.file, tt.ct, got, err, tt.want, tt.err)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
