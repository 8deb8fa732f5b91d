package bot

import (
	"regexp"
	"sort"
	"strings"

	"github.com/dvcbot/dvcbot/knowledge/vntext"
)

// words is a question split into syllables, with and without diacritics.
type words struct {
	acc  []string
	fold []string
}

func splitWords(s string) words {
	acc := vntext.Tokens(s)
	w := words{acc: acc, fold: make([]string, len(acc))}
	for i, a := range acc {
		w.fold[i] = vntext.Fold(a)
	}
	return w
}

// cue is a phrase that signals something (a section, a greeting, ...).
type cue struct {
	fold []string
	acc  []string
}

type cueList []cue

func cues(phrases ...string) cueList {
	out := make(cueList, 0, len(phrases))
	for _, p := range phrases {
		out = append(out, cue{fold: vntext.FoldedTokens(p), acc: vntext.Tokens(p)})
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].fold) > len(out[j].fold) })
	return out
}

// find returns the position and length of the first cue in w, or -1. A syllable
// typed with diacritics must match them exactly ("căn" is not "cần"); one typed
// without matches any.
func (l cueList) find(w words) (int, int) {
	for i := range w.fold {
		for _, c := range l {
			if matchCue(w, i, c) {
				return i, len(c.fold)
			}
		}
	}
	return -1, 0
}

func matchCue(w words, i int, c cue) bool {
	if i+len(c.fold) > len(w.fold) {
		return false
	}
	for k, f := range c.fold {
		if w.fold[i+k] != f {
			return false
		}
		if w.acc[i+k] != w.fold[i+k] && w.acc[i+k] != c.acc[k] {
			return false
		}
	}
	return true
}

// sectionCues in priority order: when a question has cues of several sections,
// the first section listed wins ("làm hộ chiếu online mất bao lâu" → online).
var sectionCues = []struct {
	section string
	cues    cueList
}{
	{SectionOnline, cues("online", "onl", "trực tuyến", "qua mạng", "trên mạng", "vneid", "cổng dịch vụ công", "dịch vụ công quốc gia", "tại nhà", "qua app", "qua ứng dụng", "trên ứng dụng", "không cần đến")},
	{SectionTime, cues("bao lâu", "mất bao lâu", "mất mấy ngày", "mấy ngày", "bao nhiêu ngày", "mấy hôm", "thời gian", "khi nào", "bao giờ", "hạn chót", "thời hạn", "hạn cuối", "hạn nộp", "deadline", "lâu không", "trong vòng", "ngày nào")},
	{SectionFees, cues("phí", "lệ phí", "mất phí", "có mất phí", "mất bao nhiêu", "bao nhiêu tiền", "mất tiền", "tốn tiền", "giá", "chi phí", "tiền", "nộp bao nhiêu", "hết bao nhiêu", "tốn bao nhiêu", "miễn phí", "bao nhiêu")},
	{SectionAgency, cues("ở đâu", "chỗ nào", "nơi nào", "cơ quan nào", "nộp ở", "làm ở", "đến đâu", "đi đâu", "địa chỉ", "phòng nào", "nơi nộp", "nơi làm", "nộp tại", "làm tại", "ai cấp", "ai giải quyết")},
	{SectionDocuments, cues("giấy tờ", "hồ sơ gồm", "hồ sơ cần", "cần hồ sơ", "bộ hồ sơ", "hồ sơ gì", "hồ sơ những gì", "cần những gì", "cần gì", "mang theo", "mang gì", "chuẩn bị gì", "chuẩn bị những gì", "thành phần hồ sơ", "cần có gì", "cần mang", "những gì", "mẫu đơn", "tờ khai")},
	{SectionSteps, cues("thế nào", "như thế nào", "ra sao", "các bước", "quy trình", "cách làm", "trình tự", "làm gì", "hướng dẫn", "cách", "bước", "như nào", "làm thế nào")},
	{SectionConditions, cues("điều kiện", "ai được", "ai phải", "đối tượng", "trường hợp nào", "được hưởng", "đủ điều kiện", "yêu cầu gì")},
	{SectionLegal, cues("căn cứ", "luật nào", "văn bản nào", "quy định nào", "nghị định", "thông tư", "cơ sở pháp lý", "pháp lý", "theo luật", "quy định")},
}

// weakDocumentsCue is "hồ sơ" alone at the end of a question ("đăng ký xe ô tô hồ sơ").
var weakDocumentsCue = cues("hồ sơ")

// overviewCues are "what should I do" questions: they want the whole picture,
// not the steps ("mất căn cước phải làm sao").
var overviewCues = cues("phải làm sao", "làm sao", "làm thế nào bây giờ")

// detectSection returns the section a question asks for ("" when none). A cue
// that is part of ignore (the procedure's own title, e.g. "lệ phí" in "lệ phí
// trước bạ") does not count.
func detectSection(w words, ignore words) string {
	masked := maskTitleWords(w, ignore)
	if i, _ := overviewCues.find(masked); i >= 0 {
		return ""
	}
	for _, sc := range sectionCues {
		if i, _ := sc.cues.find(masked); i >= 0 {
			return sc.section
		}
	}
	if i, n := weakDocumentsCue.find(masked); i >= 0 && i+n == len(masked.fold) {
		return SectionDocuments
	}
	return ""
}

// maskTitleWords blanks the runs of w that also occur, in order, in title, so that
// words naming the procedure are not read as section cues.
func maskTitleWords(w, title words) words {
	if len(title.fold) == 0 {
		return w
	}
	out := words{acc: append([]string(nil), w.acc...), fold: append([]string(nil), w.fold...)}
	for i := 0; i < len(w.fold); i++ {
		best := 0
		for j := range title.fold {
			n := 0
			for i+n < len(w.fold) && j+n < len(title.fold) && w.fold[i+n] == title.fold[j+n] {
				n++
			}
			best = max(best, n)
		}
		if best >= 2 || (best == 1 && len(title.fold) == 1) {
			for k := i; k < i+best; k++ {
				out.acc[k], out.fold[k] = "", ""
			}
			i += best - 1
		}
	}
	return out
}

// stripSectionCues removes section cue phrases from the question, leaving the
// words that say which procedure is meant.
func stripSectionCues(w words) string {
	keep := make([]bool, len(w.fold))
	for i := range keep {
		keep[i] = true
	}
	for _, sc := range sectionCues {
		for i := range w.fold {
			for _, c := range sc.cues {
				if keep[i] && matchCue(w, i, c) {
					for k := i; k < i+len(c.fold); k++ {
						keep[k] = false
					}
				}
			}
		}
	}
	var parts []string
	for i, a := range w.acc {
		if keep[i] {
			parts = append(parts, a)
		}
	}
	return strings.Join(parts, " ")
}

var (
	greetingCues = cues("xin chào", "chào", "hello", "hi", "alo", "chào bạn", "chào bot", "hey", "start")
	helpCues     = cues("help", "trợ giúp", "menu", "bạn làm được gì", "bạn giúp được gì", "hướng dẫn sử dụng", "bắt đầu", "danh mục")
	thanksCues   = cues("cảm ơn", "cám ơn", "thanks", "thank you", "tks", "thank")
	followCues   = cues("thế còn", "vậy còn", "còn", "còn thì sao", "thì sao")
)

// isOnly reports whether w is nothing but a cue of l (plus up to extra words).
func isOnly(l cueList, w words, extra int) bool {
	i, n := l.find(w)
	return i >= 0 && len(w.fold)-n <= extra
}

// DefaultDossierPattern matches dossier codes such as 000.00.12.H57-241022-0001 or
// H57.22-241022-0015: an agency code with dots, -YYMMDD-, a sequence number.
const DefaultDossierPattern = `(?i)\b[0-9A-Z]{1,6}(?:\.[0-9A-Z]{1,6}){1,5}-\d{6}-\d{3,6}\b`

var defaultDossierRe = regexp.MustCompile(DefaultDossierPattern)
