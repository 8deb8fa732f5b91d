package catalog

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dvcbot/dvcbot/knowledge/vntext"
)

// Limits of the procedure model (knowledge/validate.go): a converted record stays
// within them, so a long official text never makes a record invalid.
const (
	maxTitle    = 300
	maxText     = 20000
	maxItems    = 200
	maxItemText = 2000
)

// numbering matches one leading list marker: "Bước 1:", "1.", "1)", "a)", "b.",
// "II.", "-", "+", "•" … A number must be followed by punctuation and a space,
// so "1.001193" or "01 bản chính" are left alone.
var numbering = regexp.MustCompile(`^(?i:` +
	`bước\s*(?:thứ\s*)?\d{1,2}\s*[:.)\-–—/]?|` + // Bước 1: / Bước 2. / Bước 3 -
	`\(?\d{1,2}(?:\.\d{1,2})*\s*[.)/:\-–—](?:\s|$)|` + // 1. / 1) / (1) / 2.1. / 3 -
	`\(?[a-zđ]\)|[a-zđ][.](?:\s|$)|` + // a) / (b) / c.
	`[ivx]{1,4}[.)](?:\s|$)|` + // II. / iv)
	`[-+*•·▪►▸○●◦–—>✓]+` + // bullets
	`)\s*`)

// StripNumbering removes leading list markers ("Bước 1:", "1.", "a)", "-", "+"),
// as many as there are ("- Bước 2: …").
func StripNumbering(s string) string {
	for i := 0; i < 4; i++ {
		loc := numbering.FindStringIndex(s)
		if loc == nil || loc[1] == 0 {
			break
		}
		rest := strings.TrimSpace(s[loc[1]:])
		if startsWithDigit(s) && startsWithDigit(rest) && strings.ContainsAny(s[:loc[1]], "-–—/") {
			break // a range or a date ("3 - 5 ngày", "1/2"), not a marker
		}
		s = rest
	}
	return s
}

// preamble matches a legal reference that opens a sentence: "Căn cứ Điều 16
// Luật Hộ tịch," / "Theo quy định tại Nghị định số 123/2015/NĐ-CP:". Group 1 is
// the reference, which must name a legal text for the match to count.
var preamble = regexp.MustCompile(`^(?i:căn cứ(?:\s+(?:theo|vào))?|theo quy định(?:\s+(?:tại|của))?|theo|thực hiện theo|quy định tại)\s+([^,:;]*)(?:[,:;]\s*|$)`)

// legalRef reports whether s (folded) names a legal text or a part of one.
var legalRef = regexp.MustCompile(`\b(?:luat|nghi dinh|thong tu|quyet dinh|nghi quyet|phap lenh|dieu|khoan|van ban|quy dinh)\b|\d+/\d{4}/`)

// StripPreamble removes a leading legal reference ("Căn cứ Luật Hộ tịch 2014,
// người yêu cầu nộp …" → "Người yêu cầu nộp …"). A sentence that is nothing but
// the reference becomes empty.
func StripPreamble(s string) string {
	m := preamble.FindStringSubmatchIndex(s)
	if m == nil || !legalRef.MatchString(vntext.Fold(s[m[2]:m[3]])) {
		return s
	}
	return capitalize(strings.TrimSpace(s[m[1]:]))
}

func startsWithDigit(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsDigit(r)
}

// placeholders are the values official records use to say "nothing here".
var placeholders = map[string]bool{
	"": true, "khong": true, "khong quy dinh": true, "khong co": true, "chua quy dinh": true,
	"khong co thong tin": true, "khong yeu cau": true, "khong co yeu cau": true,
	"khong co yeu cau dieu kien": true, "khong co quy dinh": true, "khong ap dung": true,
	"chua co": true, "chua cap nhat": true, "dang cap nhat": true, "n a": true, "na": true, "none": true,
}

// IsPlaceholder reports whether s only says there is nothing ("Không quy
// định", "Không", "N/A", "…").
func IsPlaceholder(s string) bool {
	if len(s) > 64 { // every placeholder is short; folding long texts is costly
		return false
	}
	return placeholders[vntext.Key(s)]
}

// cleanItem makes one list item presentable: white space collapsed, numbering
// removed, placeholders emptied, and the length bounded.
func cleanItem(s string, max int) string {
	s = StripNumbering(vntext.Clean(s))
	if IsPlaceholder(s) {
		return ""
	}
	return Truncate(capitalize(s), max)
}

// cleanText cleans a multi-line text: each line as an item, blank lines and
// placeholders dropped, the whole bounded by max runes.
func cleanText(s string, max int, stripPreambles bool) string {
	var lines []string
	for _, l := range splitLines(s) {
		l = cleanItem(l, maxItemText)
		if stripPreambles {
			l = StripPreamble(l)
		}
		if l != "" {
			lines = append(lines, l)
		}
	}
	return Truncate(strings.Join(lines, "\n"), max)
}

// cleanLine cleans a one-line value (a name, an agency): white space collapsed,
// placeholders emptied, bounded.
func cleanLine(s string, max int) string {
	s = vntext.Clean(s)
	if IsPlaceholder(s) {
		return ""
	}
	return Truncate(s, max)
}

// Truncate bounds s to max runes, cutting at the last sentence end (or else the
// last space) in the second half and marking the cut with "…".
func Truncate(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)[:max-1]
	cut := string(r)
	half := len(string(r[:len(r)/2]))
	best := -1
	for _, sep := range []string{". ", "; ", "! ", "? ", ".\n", ";\n", "\n"} {
		if i := strings.LastIndex(cut, sep); i >= half && i+1 > best {
			best = i + 1
		}
	}
	if best < 0 {
		if i := strings.LastIndexAny(cut, " \n"); i >= half {
			best = i
		} else {
			best = len(cut)
		}
	}
	return strings.TrimRightFunc(cut[:best], func(r rune) bool { return unicode.IsSpace(r) || r == ',' || r == ';' }) + "…"
}

// capitalize upper-cases the first letter of s.
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || !unicode.IsLower(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// firstSentence is the first sentence (or line) of s, bounded by max runes.
func firstSentence(s string, max int) string {
	if l := splitLines(s); len(l) > 0 {
		s = l[0]
	}
	if i := strings.Index(s, ". "); i > 0 {
		s = s[:i]
	}
	return strings.TrimRight(Truncate(s, max), ".;:, ")
}
