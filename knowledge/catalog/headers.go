package catalog

import (
	"strings"
	"unicode"

	"github.com/dvcbot/dvcbot/knowledge/vntext"
)

// column is one field of a record in a tabular (CSV, Excel) catalogue.
type column int

const (
	colNone column = iota
	colCode
	colName
	colField
	colLevel
	colAgency
	colSubjects
	colSteps
	colMethods
	colDocuments
	colTime
	colFees
	colResult
	colConditions
	colLegal
	colStatus
	colURL
)

// headerNames are the portal's column names (and the JSON field names, which a
// hand-made sheet may use), keyed by headerKey.
var headerNames = func() map[string]column {
	m := map[string]column{}
	for col, names := range map[column][]string{
		colCode:       {"Mã thủ tục", "Mã TTHC", "Mã số thủ tục", "Mã thủ tục hành chính", "code"},
		colName:       {"Tên thủ tục", "Tên TTHC", "Tên thủ tục hành chính", "name"},
		colField:      {"Lĩnh vực", "Lĩnh vực thực hiện", "field"},
		colLevel:      {"Cấp thực hiện", "level"},
		colAgency:     {"Cơ quan thực hiện", "Cơ quan giải quyết", "agency"},
		colSubjects:   {"Đối tượng thực hiện", "subjects"},
		colSteps:      {"Trình tự thực hiện", "steps"},
		colMethods:    {"Cách thức thực hiện", "methods"},
		colDocuments:  {"Thành phần hồ sơ", "Hồ sơ", "documents"},
		colTime:       {"Thời hạn giải quyết", "Thời gian giải quyết", "processing_time"},
		colFees:       {"Phí, lệ phí", "Lệ phí", "Phí lệ phí", "fees"},
		colResult:     {"Kết quả thực hiện", "Kết quả", "result"},
		colConditions: {"Yêu cầu, điều kiện", "Yêu cầu điều kiện", "Yêu cầu, điều kiện thực hiện", "conditions"},
		colLegal:      {"Căn cứ pháp lý", "legal_basis"},
		colStatus:     {"Tình trạng hiệu lực", "Trạng thái hiệu lực", "Tình trạng", "status"},
		colURL:        {"Đường dẫn", "Liên kết", "URL", "Link", "url"},
	} {
		for _, n := range names {
			m[headerKey(n)] = col
		}
	}
	return m
}()

// headerKey folds a column name for matching: no case, accents, spacing or
// punctuation ("Phí, lệ phí" and "PHI LE PHI" and "phí  lệ phí" match).
func headerKey(s string) string {
	var b strings.Builder
	for _, r := range vntext.Fold(vntext.Clean(s)) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// header maps the cells of a header row to columns. ok is false when the row
// does not name both the code and the name columns (then it is not the header).
type header struct {
	cols  []column // per cell; colNone for a column the catalogue does not use
	width int
}

func parseHeader(cells []string) (header, bool) {
	h := header{cols: make([]column, len(cells)), width: len(cells)}
	seen := map[column]bool{}
	for i, c := range cells {
		col := headerNames[headerKey(c)]
		if col != colNone && seen[col] {
			col = colNone // a repeated column: the first one counts
		}
		h.cols[i] = col
		seen[col] = true
	}
	return h, seen[colCode] && seen[colName]
}

// record builds a record from a data row of a tabular file. Multi-valued cells
// separate items by new lines.
func (h header) record(cells []string) Record {
	var r Record
	for i, v := range cells {
		if i >= len(h.cols) {
			break
		}
		switch h.cols[i] {
		case colCode:
			r.Code = Text(v)
		case colName:
			r.Name = Text(v)
		case colField:
			r.Field = Text(v)
		case colLevel:
			r.Level = splitLines(v)
		case colAgency:
			r.Agency = Text(v)
		case colSubjects:
			r.Subjects = Text(v)
		case colSteps:
			r.Steps = Lines{v}
		case colMethods:
			r.Methods = ParseMethods(v)
		case colDocuments:
			r.Documents = ParseDocuments(v)
		case colTime:
			r.ProcessingTime = Text(v)
		case colFees:
			r.Fees = Text(v)
		case colResult:
			r.Result = Text(v)
		case colConditions:
			r.Conditions = Text(v)
		case colLegal:
			r.LegalBasis = splitLines(v)
		case colStatus:
			r.Status = Text(v)
		case colURL:
			r.URL = Text(v)
		}
	}
	return r
}

// names lists the header cells, for error messages.
func headerList(cells []string) string {
	var out []string
	for _, c := range cells {
		if c = vntext.Clean(c); c != "" {
			out = append(out, c)
		}
		if len(out) == 8 {
			out = append(out, "…")
			break
		}
	}
	return strings.Join(out, ", ")
}
