// Package catalogtest generates realistic official procedure catalogues, in
// every format the importer reads, for tests, measurements and
// tools/gencatalog: Vietnamese naming patterns ("Cấp lại …", "Đăng ký …",
// "Thủ tục …"), the same name repeated across levels and agencies, long legal
// texts with numbering and preambles, per-channel time limits and fees, some
// records no longer in force, and on request malformed rows.
package catalogtest

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/dvcbot/dvcbot/knowledge/catalog"
)

// Options say what to generate.
type Options struct {
	N      int            // good records (default 2,000)
	Format catalog.Format // default JSON Lines
	Seed   uint64         // same seed, same file
	Bad    int            // malformed rows added among the good ones
}

// Summary is what a generated file holds, for checking an import of it.
type Summary struct {
	Records   int   // good records
	Withdrawn int   // good records marked "Hết hiệu lực"
	BadRows   []int // rows (as the importer numbers them) of the malformed records
	Codes     []string
}

// Header is the portal's column row, in its order.
var Header = []string{"Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Cấp thực hiện", "Cơ quan thực hiện",
	"Đối tượng thực hiện", "Trình tự thực hiện", "Cách thức thực hiện", "Thành phần hồ sơ", "Thời hạn giải quyết",
	"Phí, lệ phí", "Kết quả thực hiện", "Yêu cầu, điều kiện", "Căn cứ pháp lý", "Tình trạng hiệu lực", "Đường dẫn"}

// record is one generated record in the contract's JSON shape.
type record struct {
	Code           string           `json:"code"`
	Name           string           `json:"name"`
	Field          string           `json:"field"`
	Level          string           `json:"level"`
	Agency         string           `json:"agency"`
	Subjects       string           `json:"subjects"`
	Steps          string           `json:"steps"`
	Methods        []catalog.Method `json:"methods"`
	Documents      []any            `json:"documents"`
	ProcessingTime string           `json:"processing_time"`
	Fees           string           `json:"fees"`
	Result         string           `json:"result"`
	Conditions     string           `json:"conditions"`
	LegalBasis     []string         `json:"legal_basis"`
	Status         string           `json:"status"`
	URL            string           `json:"url"`

	bad  badKind
	docs []catalog.Document
}

type badKind int

const (
	good badKind = iota
	badNoCode
	badCodeShape
	badNoName
	badDuplicate
	badStatus
	badStructure // a bare quote (CSV), broken JSON (JSON Lines), a wrong type (JSON), a bad URL (Excel)
	badKinds
)

// Generate writes a catalogue to w and says what it holds.
func Generate(w io.Writer, o Options) (Summary, error) {
	if o.N <= 0 {
		o.N = 2000
	}
	if o.Format == "" {
		o.Format = catalog.FormatJSONL
	}
	g := &gen{rnd: rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15)), used: map[string]bool{}}
	recs := g.records(o.N)
	sum := Summary{Records: o.N}
	for _, r := range recs {
		sum.Codes = append(sum.Codes, r.Code)
		if r.Status == "Hết hiệu lực" {
			sum.Withdrawn++
		}
	}
	recs = g.injectBad(recs, o.Bad)
	firstRow := 1
	if o.Format == catalog.FormatCSV || o.Format == catalog.FormatXLSX {
		firstRow = 2
	}
	for i, r := range recs {
		if r.bad != good {
			sum.BadRows = append(sum.BadRows, firstRow+i)
		}
	}
	var err error
	switch o.Format {
	case catalog.FormatJSONL:
		err = writeJSONL(w, recs)
	case catalog.FormatJSON:
		err = writeJSON(w, recs)
	case catalog.FormatCSV:
		err = writeCSV(w, recs)
	case catalog.FormatXLSX:
		err = writeXLSX(w, recs)
	default:
		err = fmt.Errorf("unknown format %q", o.Format)
	}
	return sum, err
}

type gen struct {
	rnd  *rand.Rand
	used map[string]bool
}

func (g *gen) pick(list []string) string { return list[g.rnd.IntN(len(list))] }
func (g *gen) chance(p float64) bool     { return g.rnd.Float64() < p }

func (g *gen) code(prefix string) string {
	for {
		c := fmt.Sprintf("%s.%06d", prefix, 100+g.rnd.IntN(12900))
		if !g.used[c] {
			g.used[c] = true
			return c
		}
	}
}

// records makes n good records: the curated guides' procedures first, then
// names built from the fields' vocabulary, each name at one to four levels.
func (g *gen) records(n int) []record {
	for _, c := range CuratedCodes {
		g.used[c.Code] = true
	}
	var out []record
	for _, c := range CuratedCodes {
		if len(out) == n {
			return out
		}
		f := fieldNamed(c.Field)
		r := g.record(f, c.Name, c.Level, c.Code)
		r.Status = "Còn hiệu lực"
		out = append(out, r)
	}
	for len(out) < n {
		f := fields[g.rnd.IntN(len(fields))]
		name := g.name(f)
		// The same name at several levels, each with its own agency and code.
		start := g.rnd.IntN(len(levels))
		for k := 0; k < 1+g.rnd.IntN(4) && len(out) < n; k++ {
			level := levels[(start+k)%len(levels)]
			prefix := "2"
			if level == levelCentral || g.chance(0.35) {
				prefix = "1"
			}
			out = append(out, g.record(f, name, level, g.code(prefix)))
		}
	}
	return out
}

func fieldNamed(name string) field {
	for _, f := range fields {
		if f.name == name {
			return f
		}
	}
	f := fields[0]
	f.name = name
	return f
}

func (g *gen) name(f field) string {
	for {
		obj := g.pick(f.objects)
		total := 0
		for _, v := range verbs {
			total += v.weight
		}
		n := g.rnd.IntN(total)
		verb := verbs[0].prefix
		for _, v := range verbs {
			if n -= v.weight; n < 0 {
				verb = v.prefix
				break
			}
		}
		paper := strings.HasPrefix(obj, "giấy") || strings.HasPrefix(obj, "chứng chỉ") || strings.HasPrefix(obj, "thẻ") ||
			strings.HasPrefix(obj, "bản sao") || strings.HasPrefix(obj, "biển") || strings.HasPrefix(obj, "phù hiệu") || strings.HasPrefix(obj, "phép")
		var name string
		switch verb {
		case "Cấp", "Cấp lại", "Cấp đổi", "Gia hạn", "Thu hồi", "Điều chỉnh", "Cấp bổ sung":
			if !paper {
				continue
			}
			name = verb + " " + obj
		case "Cấp giấy phép":
			rest, ok := strings.CutPrefix(obj, "giấy phép ")
			if !ok {
				continue
			}
			name = "Cấp giấy phép " + rest
		case "Đăng ký":
			if paper {
				continue
			}
			name = "Đăng ký " + obj
		case "Thủ tục":
			if paper {
				name = "Thủ tục cấp " + obj
			} else {
				name = "Thủ tục đăng ký " + obj
			}
		default:
			name = verb + " " + obj
		}
		switch r := g.rnd.IntN(10); {
		case r == 0:
			name += " đối với tổ chức"
		case r == 1:
			name += " trong trường hợp bị mất, hư hỏng"
		case r == 2:
			name += " cho người nước ngoài"
		}
		return name
	}
}

func (g *gen) record(f field, name, level, code string) record {
	agency := f.agencies[level]
	if agency == "" {
		agency = "Ủy ban nhân dân " + strings.ToLower(level)
	}
	r := record{
		Code: code, Name: name, Field: f.name, Level: level, Agency: agency,
		Subjects: g.pick(f.subjects), Result: g.pick(f.results), Status: "Còn hiệu lực",
		URL: "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=" + code,
	}
	if g.chance(0.2) {
		r.Subjects = "- " + strings.ReplaceAll(r.Subjects, "; ", "\n- ")
	}
	if g.chance(0.03) {
		r.Status = "Hết hiệu lực"
	}
	law := f.laws[g.rnd.IntN(len(f.laws))]
	r.Steps = g.steps(name, agency, law)
	r.Methods = g.methods()
	if !g.chance(0.3) {
		r.ProcessingTime = r.Methods[0].Time
	}
	if !g.chance(0.3) {
		r.Fees = g.pick(feeTexts)
	}
	r.docs = g.documents(name)
	for _, d := range r.docs {
		if d.Copies == "" && d.Form == "" {
			r.Documents = append(r.Documents, d.Name)
		} else {
			r.Documents = append(r.Documents, map[string]string{"name": d.Name, "copies": d.Copies, "form": d.Form})
		}
	}
	if g.chance(0.4) {
		r.Conditions = "Không quy định"
	} else {
		r.Conditions = fmt.Sprintf("a) Theo quy định tại Điều %d %s, người đề nghị phải có đủ năng lực hành vi dân sự và hồ sơ hợp lệ;\n"+
			"b) Đáp ứng các điều kiện về %s theo quy định của pháp luật chuyên ngành;\n"+
			"c) Không thuộc trường hợp đang bị xử lý vi phạm hành chính hoặc bị đình chỉ hoạt động.", 5+g.rnd.IntN(40), law, strings.ToLower(f.name))
	}
	for i, l := range f.laws {
		if i == 0 || g.chance(0.6) {
			r.LegalBasis = append(r.LegalBasis, l)
		}
	}
	r.LegalBasis = append(r.LegalBasis, fmt.Sprintf("Quyết định số %d/QĐ-UBND ngày %02d/%02d/2025 của Chủ tịch Ủy ban nhân dân tỉnh về việc công bố danh mục thủ tục hành chính mới ban hành, được sửa đổi, bổ sung trong lĩnh vực %s",
		100+g.rnd.IntN(3000), 1+g.rnd.IntN(28), 1+g.rnd.IntN(12), strings.ToLower(f.name)))
	if g.chance(0.5) {
		for i := range r.LegalBasis {
			r.LegalBasis[i] = fmt.Sprintf("%d. %s", i+1, r.LegalBasis[i])
		}
	}
	return r
}

// steps writes "Trình tự thực hiện" the way official records do: numbered
// steps with bullets under them and legal preambles, sometimes all on one line.
func (g *gen) steps(name, agency, law string) string {
	obj := lowerFirst(name)
	parts := []string{
		fmt.Sprintf("Căn cứ %s, tổ chức, cá nhân có nhu cầu %s chuẩn bị đầy đủ hồ sơ theo quy định.", law, obj),
		fmt.Sprintf("Nộp hồ sơ tại Bộ phận Tiếp nhận và Trả kết quả của %s:\n- Nộp trực tiếp trong giờ hành chính từ thứ Hai đến thứ Sáu (buổi sáng từ 7 giờ 30 phút đến 11 giờ 30 phút, buổi chiều từ 13 giờ 30 phút đến 17 giờ);\n- Nộp qua dịch vụ bưu chính công ích;\n+ Nộp trực tuyến qua Cổng Dịch vụ công quốc gia hoặc Hệ thống thông tin giải quyết thủ tục hành chính của tỉnh.", agency),
		"Theo quy định tại " + law + ": công chức tiếp nhận kiểm tra tính đầy đủ, hợp lệ của hồ sơ; trường hợp hồ sơ chưa đầy đủ thì hướng dẫn người nộp bổ sung, hoàn thiện một lần bằng Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ.",
		fmt.Sprintf("%s thẩm định hồ sơ, xác minh khi cần thiết và trình người có thẩm quyền xem xét, quyết định; trường hợp từ chối phải trả lời bằng văn bản và nêu rõ lý do.", agency),
		"Trả kết quả giải quyết thủ tục hành chính cho tổ chức, cá nhân theo ngày hẹn trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả.",
	}
	n := 3 + g.rnd.IntN(3)
	if n > len(parts) {
		n = len(parts)
	}
	parts = parts[:n]
	var b strings.Builder
	switch g.rnd.IntN(4) {
	case 0: // numbered 1., 2., …
		for i, p := range parts {
			fmt.Fprintf(&b, "%d. %s\n", i+1, p)
		}
	case 1: // all on one line
		for i, p := range parts {
			fmt.Fprintf(&b, "Bước %d: %s ", i+1, strings.ReplaceAll(p, "\n", " "))
		}
	default:
		for i, p := range parts {
			fmt.Fprintf(&b, "Bước %d: %s\n", i+1, p)
		}
	}
	return strings.TrimSpace(b.String())
}

func (g *gen) methods() []catalog.Method {
	t := g.pick(channelTimes)
	fee := g.pick(feeTexts)
	ms := []catalog.Method{{Channel: "Trực tiếp", Time: t, Fee: fee, Note: "Tại Bộ phận Một cửa"}}
	if g.chance(0.6) {
		ch, note := "Trực tuyến", "Nộp hồ sơ qua Cổng Dịch vụ công quốc gia"
		if g.chance(0.3) {
			ch, note = "Trực tuyến toàn trình", "Nộp hồ sơ, thanh toán và nhận kết quả điện tử"
		}
		onlineTime := t
		if g.chance(0.3) {
			onlineTime = g.pick(channelTimes)
		}
		ms = append(ms, catalog.Method{Channel: ch, Time: onlineTime, Fee: fee, Note: note})
	}
	if g.chance(0.4) {
		ms = append(ms, catalog.Method{Channel: "Dịch vụ bưu chính", Time: t, Fee: fee + " (chưa gồm cước bưu chính)"})
	}
	return ms
}

func (g *gen) documents(name string) []catalog.Document {
	docs := []catalog.Document{{Name: "Tờ khai đề nghị " + lowerFirst(name) + " (Mẫu số 01)", Copies: "01 bản chính", Form: "Mẫu số 01/TK"}}
	perm := g.rnd.Perm(len(docNames))
	for _, i := range perm[:1+g.rnd.IntN(5)] {
		d := catalog.Document{Name: docNames[i]}
		if g.chance(0.5) {
			d.Copies = "01 bản sao"
		}
		docs = append(docs, d)
	}
	if g.chance(0.3) {
		for i := range docs {
			docs[i].Name = fmt.Sprintf("%d. %s", i+1, docs[i].Name)
		}
	}
	return docs
}

// injectBad spreads k malformed records among recs.
func (g *gen) injectBad(recs []record, k int) []record {
	for i := 0; i < k; i++ {
		kind := badKind(1 + i%int(badKinds-1))
		base := recs[g.rnd.IntN(len(recs))]
		for base.bad != good {
			base = recs[g.rnd.IntN(len(recs))]
		}
		r := record{Code: g.code("1"), Name: "Thủ tục lỗi số " + fmt.Sprint(i+1), Field: base.Field, Level: base.Level,
			Agency: base.Agency, Status: "Còn hiệu lực", bad: kind}
		switch kind {
		case badNoCode:
			r.Code = ""
		case badCodeShape:
			r.Code = strings.ReplaceAll(r.Code, ".", "-")
		case badNoName:
			r.Name = ""
		case badDuplicate:
			r.Code = base.Code
		case badStatus:
			r.Status = "Tạm ngưng"
		case badStructure:
			r.Name = `Cấp "giấy" phép lỗi ` + fmt.Sprint(i+1)
		}
		at := 1 + g.rnd.IntN(len(recs))
		if kind == badDuplicate {
			at = len(recs) // after the original, whatever its place
		}
		recs = append(recs[:at], append([]record{r}, recs[at:]...)...)
	}
	return recs
}

func writeJSONL(w io.Writer, recs []record) error {
	bw := bufio.NewWriter(w)
	for _, r := range recs {
		if r.bad == badStructure {
			fmt.Fprintf(bw, "{\"code\": %q, \"name\": %q, \"field\": \n", r.Code, r.Name)
			continue
		}
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		bw.Write(b)
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

func writeJSON(w io.Writer, recs []record) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("[\n")
	for i, r := range recs {
		if i > 0 {
			bw.WriteString(",\n")
		}
		if r.bad == badStructure {
			fmt.Fprintf(bw, "{\"code\": %q, \"name\": %q, \"documents\": {\"ten\": 12}}", r.Code, r.Name)
			continue
		}
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		bw.Write(b)
	}
	bw.WriteString("\n]\n")
	return bw.Flush()
}

// cells is a record as one row of the portal's columns.
func (r record) cells() []string {
	var methods, docs []string
	for _, m := range r.Methods {
		methods = append(methods, strings.Join([]string{m.Channel, m.Time, m.Fee, m.Note}, " | "))
	}
	for _, d := range r.docs {
		line := d.Name
		if d.Copies != "" || d.Form != "" {
			line += " | " + d.Copies + " | " + d.Form
		}
		docs = append(docs, line)
	}
	return []string{r.Code, r.Name, r.Field, r.Level, r.Agency, r.Subjects, r.Steps, strings.Join(methods, "\n"),
		strings.Join(docs, "\n"), r.ProcessingTime, r.Fees, r.Result, r.Conditions, strings.Join(r.LegalBasis, "\n"), r.Status, r.URL}
}

func writeCSV(w io.Writer, recs []record) error {
	bw := bufio.NewWriter(w)
	cw := csv.NewWriter(bw)
	if err := cw.Write(Header); err != nil {
		return err
	}
	for _, r := range recs {
		if r.bad == badStructure {
			// A quote inside an unquoted cell, as hand-edited exports have.
			cw.Flush()
			cells := make([]string, len(Header))
			cells[0], cells[1], cells[14] = r.Code, r.Name, r.Status
			bw.WriteString(strings.Join(cells, ",") + "\n")
			continue
		}
		if err := cw.Write(r.cells()); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

func writeXLSX(w io.Writer, recs []record) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Danh mục TTHC"
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	row := func(n int, cells []string) error {
		vals := make([]any, len(cells))
		for i, c := range cells {
			vals[i] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, n)
		return sw.SetRow(cell, vals)
	}
	if err := row(1, Header); err != nil {
		return err
	}
	for i, r := range recs {
		cells := r.cells()
		if r.bad == badStructure {
			cells[15] = "ftp://khong-phai-trang-web"
		}
		if err := row(i+2, cells); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// lowerFirst lower-cases the first letter ("Cấp lại" → "cấp lại").
func lowerFirst(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return s
	}
	return strings.ToLower(string(r[0])) + string(r[1:])
}
