package search

import (
	"strings"

	"github.com/dvcbot/dvcbot/knowledge/vntext"
)

// Kinship words that may be the subject of "mất" meaning "died" ("bố em
// mất"), the words that may stand between them and the verb (possessives,
// time adverbs; numbers too), and those that may follow it to the clause's
// end ("rồi", "được 2 năm"). They are cues: typed with marks a word must
// have their very marks, typed without them it matches any.
var (
	diedKin = newCues([]string{"bố", "mẹ", "ba", "má", "cha", "ông", "bà", "chồng", "vợ", "con", "cháu",
		"anh", "chị", "em", "cô", "chú", "bác", "dì", "cậu", "mợ", "thím", "dượng", "người thân"})
	diedBefore = newCues([]string{"tôi", "tui", "mình", "em", "anh", "chị", "con", "cháu", "nhà", "của", "ruột",
		"nội", "ngoại", "già", "đẻ", "chồng", "vợ", "vừa", "mới", "đã", "hôm", "qua", "trước",
		"tuần", "tháng", "năm", "ngày", "cách", "đây", "thì", "là", "ấy", "đó", "cũ", "cụ", "bên"})
	diedAfter = newCues([]string{"rồi", "ạ", "r", "lâu", "được", "đc", "hơn", "năm", "tháng", "ngày", "tuần",
		"nay", "vậy", "nên"})
	// diedLoss are the words that make "mất" a loss even after a relative
	// ("mẹ em bị mất", "bố làm mất").
	diedLoss = newCues([]string{"bị", "làm", "đánh", "rơi", "rớt", "trộm", "giật", "lạc", "cháy", "trôi"})
)

// diedClause rewrites a clause (lower case) that says a relative died with
// "mất" at its end ("mẹ tôi vừa mất", "bo em mat roi") with "khuất" (as in
// "đã khuất", passed away), so that the clause after it does not read as a
// paper lost ("mẹ tôi mất, sổ đỏ đứng tên mẹ" is no lost land certificate).
// Only a clause made of a relative, the words that may go with one and
// "mất" at the end is rewritten: a loss verb ("bị mất"), a thing ("căn cước
// của bố mất") or anything else leaves it as it is. "qua đời" was tried in
// its place: it reads as the death registration itself and took questions
// whose story only begins with a death ("chồng mất 5 năm, giờ đăng ký kết
// hôn").
func diedClause(clause string) string {
	toks := strings.Fields(clause)
	at := -1
	for i, t := range toks {
		if t == "mất" || (t == "mat" && !vntext.HasDiacritics(clause)) {
			at = i
		}
	}
	if at < 1 {
		return clause
	}
	folds := foldAll(toks)
	// span is how many tokens from i the longest of cs takes, when it ends
	// before end (0 otherwise).
	span := func(cs []cue, i, end int) int {
		n := 0
		for _, c := range cs {
			if k := len(c.fold); k > n && i+k <= end && c.matchAt(toks, folds, i) {
				n = k
			}
		}
		return n
	}
	kin := false
	for i := 0; i < at; {
		if n := span(diedKin, i, at); n > 0 { // "người thân" in one step
			kin, i = true, i+n
		} else if n := span(diedBefore, i, at); n > 0 {
			i += n
		} else if isNumber(folds[i]) {
			i++
		} else {
			return clause
		}
	}
	if !kin || span(diedLoss, at-1, at) > 0 {
		return clause
	}
	for i := at + 1; i < len(toks); i++ {
		if span(diedAfter, i, len(toks)) == 0 && !isNumber(folds[i]) {
			return clause
		}
	}
	out := append(append(append([]string{}, toks[:at]...), "khuất"), toks[at+1:]...)
	return strings.Join(out, " ")
}
