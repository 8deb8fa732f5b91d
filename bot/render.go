package bot

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dvcbot/dvcbot/knowledge"
)

// sectionLabels are button labels, in the order buttons are shown.
var sectionLabels = []struct{ section, label string }{
	{SectionOverview, "Tổng quan"},
	{SectionDocuments, "Giấy tờ"},
	{SectionSteps, "Các bước"},
	{SectionFees, "Lệ phí"},
	{SectionTime, "Thời gian"},
	{SectionAgency, "Nơi nộp"},
	{SectionOnline, "Làm online"},
	{SectionConditions, "Điều kiện"},
	{SectionLegal, "Căn cứ pháp lý"},
}

// sectionButtons offers the other sections, feedback and the portal link.
func (e *Engine) sectionButtons(p knowledge.Procedure, current string, seq int64) []Button {
	var out []Button
	for _, sl := range sectionLabels {
		if sl.section == current || (sl.section == SectionConditions && p.Conditions == "") {
			continue
		}
		out = append(out, Button{Label: sl.label, Action: "sec:" + p.ID + ":" + sl.section})
	}
	fb := strconv.FormatInt(seq, 10)
	out = append(out,
		Button{Label: "👍 Hữu ích", Action: "fb:up:" + fb},
		Button{Label: "👎 Chưa đúng", Action: "fb:down:" + fb},
		Button{Label: "Mở Cổng Dịch vụ công", URL: portalLink(p, e.cfg.PortalURL)})
	return out
}

func portalLink(p knowledge.Procedure, fallback string) string {
	for _, u := range []string{p.Online.URL, p.Source} {
		if strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
			return u
		}
	}
	return fallback
}

// renderSection writes one section of p in the engine's markup.
func renderSection(p knowledge.Procedure, section string) string {
	var b strings.Builder
	head := func(label string) {
		fmt.Fprintf(&b, "**%s — %s**\n", label, p.Title)
	}
	if p.IsOfficial() {
		fmt.Fprintf(&b, "📋 Thủ tục chính thức, mã %s (theo danh mục thủ tục hành chính)\n", p.NationalCode)
	}
	switch section {
	case SectionDocuments:
		head("Giấy tờ cần chuẩn bị")
		for i, d := range p.Documents {
			fmt.Fprintf(&b, "%d. %s", i+1, d.Name)
			if d.Copies != "" {
				fmt.Fprintf(&b, " (%s)", d.Copies)
			}
			b.WriteString("\n")
			if d.Form != "" {
				fmt.Fprintf(&b, "   Mẫu: %s\n", d.Form)
			}
			if d.Note != "" {
				fmt.Fprintf(&b, "   Lưu ý: %s\n", oneLine(d.Note))
			}
		}
	case SectionSteps:
		head("Các bước thực hiện")
		for i, s := range p.Steps {
			fmt.Fprintf(&b, "%d. %s\n", i+1, s)
		}
	case SectionFees:
		head("Lệ phí")
		if a := p.Fees.Amount; a != nil {
			if *a == 0 {
				b.WriteString("Mức thu: **Miễn phí**\n")
			} else {
				fmt.Fprintf(&b, "Mức thu: **%s đồng**\n", formatVND(*a))
			}
		}
		if p.Fees.Text != "" {
			b.WriteString(p.Fees.Text + "\n")
		}
	case SectionTime:
		head("Thời gian giải quyết")
		b.WriteString(p.ProcessingTime + "\n")
	case SectionAgency:
		head("Nơi nộp hồ sơ")
		b.WriteString(p.Agency + "\n")
		if p.Level != "" {
			fmt.Fprintf(&b, "Cấp giải quyết: %s\n", p.Level)
		}
	case SectionOnline:
		head("Làm trực tuyến")
		if l := onlineLevel(p.Online.Level); l != "" {
			fmt.Fprintf(&b, "Mức độ: **%s**\n", l)
		}
		if p.Online.Text != "" {
			b.WriteString(p.Online.Text + "\n")
		}
		if p.Online.VNeID {
			b.WriteString("• Đăng nhập bằng tài khoản định danh điện tử VNeID (mức 2).\n")
		}
		if p.Online.Payment {
			b.WriteString("• Có thể thanh toán phí, lệ phí trực tuyến.\n")
		}
		if p.Online.URL != "" {
			fmt.Fprintf(&b, "Địa chỉ: %s\n", p.Online.URL)
		}
	case SectionConditions:
		head("Điều kiện, đối tượng")
		if p.Conditions != "" {
			b.WriteString(p.Conditions + "\n")
		} else {
			b.WriteString("Thủ tục này không có điều kiện riêng ngoài việc chuẩn bị đủ giấy tờ.\n")
		}
	case SectionLegal:
		head("Căn cứ pháp lý")
		for _, l := range p.LegalBasis {
			fmt.Fprintf(&b, "• %s\n", l)
		}
	default:
		fmt.Fprintf(&b, "**%s**\n", p.Title)
		b.WriteString(p.Summary + "\n\n")
		fmt.Fprintf(&b, "• Nơi nộp: %s\n", firstSentence(p.Agency))
		fmt.Fprintf(&b, "• Thời gian: %s\n", firstSentence(p.ProcessingTime))
		fmt.Fprintf(&b, "• Lệ phí: %s\n", feeShort(p.Fees))
		if l := onlineLevel(p.Online.Level); l != "" {
			fmt.Fprintf(&b, "• Làm online: %s\n", l)
		}
		fmt.Fprintf(&b, "• Giấy tờ chính: %s\n", docsShort(p.Documents))
		b.WriteString("\nChọn mục bên dưới để xem chi tiết.")
	}
	if strings.Count(strings.TrimSpace(b.String()), "\n") < 1+btoi(p.IsOfficial()) {
		b.WriteString("Mục này chưa có thông tin trong hồ sơ thủ tục. Bạn xem chi tiết trên Cổng Dịch vụ công hoặc hỏi bộ phận Một cửa nơi nộp.\n")
	}
	if section != SectionOverview && section != "" && len(p.Tips) > 0 && (section == SectionDocuments || section == SectionSteps) {
		b.WriteString("\n💡 " + p.Tips[0] + "\n")
	}
	return strings.TrimSpace(b.String())
}

func onlineLevel(l string) string {
	switch l {
	case "full":
		return "Trực tuyến toàn trình"
	case "partial":
		return "Trực tuyến một phần"
	case "none":
		return "Chưa làm trực tuyến được"
	}
	return ""
}

func feeShort(f knowledge.Fees) string {
	if f.Amount != nil {
		if *f.Amount == 0 {
			return "Miễn phí"
		}
		return formatVND(*f.Amount) + " đồng"
	}
	return firstSentence(f.Text)
}

func docsShort(docs []knowledge.Document) string {
	var names []string
	for i, d := range docs {
		if i == 3 {
			names = append(names, fmt.Sprintf("và %d loại khác", len(docs)-3))
			break
		}
		names = append(names, d.Name)
	}
	return strings.Join(names, "; ")
}

// firstSentence returns the first sentence (or clause ending in ';') of s, ending
// with a full stop and at most maxShort runes long.
func firstSentence(s string) string {
	s = oneLine(s)
	for i := 0; i < len(s); i++ {
		if (s[i] == '.' || s[i] == ';') && (i+1 == len(s) || s[i+1] == ' ') {
			s = s[:i] + "."
			break
		}
	}
	if r := []rune(s); len(r) > maxShort {
		cut := string(r[:maxShort])
		if j := strings.LastIndexByte(cut, ' '); j > maxShort/2 {
			cut = cut[:j]
		}
		s = strings.TrimRight(cut, " ,;:") + "…"
	}
	return s
}

// maxShort bounds one line of the overview card.
const maxShort = 200

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// formatVND writes 1500000 as 1.500.000.
func formatVND(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// provenance is the one-line source of an answer: the guide or official record,
// when it was last reviewed (or changed), and the official page.
func provenance(p knowledge.Procedure, portal string) string {
	what := "hướng dẫn “" + p.Title + "”"
	if p.IsOfficial() {
		what = "thủ tục chính thức mã " + p.NationalCode
	}
	date := p.UpdatedAt
	verb := "cập nhật"
	if t, err := time.Parse("2006-01-02", p.ReviewedAt); err == nil {
		date, verb = t, "rà soát"
	}
	line := "📄 Nguồn: " + what
	if !date.IsZero() {
		line += ", " + verb + " " + date.Format("02/01/2006")
	}
	return line + " · " + sourceURL(p, portal)
}

// sourceURL is the official page an answer rests on.
func sourceURL(p knowledge.Procedure, portal string) string {
	for _, u := range []string{p.Source, p.Online.URL} {
		if strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
			return u
		}
	}
	return portal
}

// sourceOf is the provenance of an answer about p.
func sourceOf(p knowledge.Procedure, portal string) *Source {
	kind := p.Kind
	if kind == "" {
		kind = knowledge.KindCurated
	}
	return &Source{ProcedureID: p.ID, Kind: kind, NationalCode: p.NationalCode, UpdatedAt: p.UpdatedAt, ReviewedAt: p.ReviewedAt, URL: sourceURL(p, portal)}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
