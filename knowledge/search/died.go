package search

import (
	"strings"

	"github.com/dvcbot/dvcbot/knowledge/vntext"
)

// Kinship words that may be the subject of "mất" meaning "died" ("bố em
// mất"), the words that may stand between them and the verb (possessives,
// time adverbs, numbers), and those that may follow it to the clause's end
// ("rồi", "được 2 năm"). Each is matched as typed with its marks, or folded
// when typed without them.
var (
	diedKin = wordSet("bố", "mẹ", "ba", "má", "cha", "ông", "bà", "chồng", "vợ", "con", "cháu",
		"anh", "chị", "em", "cô", "chú", "bác", "dì", "cậu", "mợ", "thím", "dượng", "người thân")
	diedBefore = wordSet("tôi", "tui", "mình", "em", "anh", "chị", "con", "cháu", "nhà", "của", "ruột",
		"nội", "ngoại", "già", "đẻ", "chồng", "vợ", "vừa", "mới", "đã", "hôm", "qua", "trước",
		"tuần", "tháng", "năm", "ngày", "cách", "đây", "thì", "là", "ấy", "đó", "cũ", "cụ", "bên")
	diedAfter = wordSet("rồi", "ạ", "r", "lâu", "được", "đc", "hơn", "năm", "tháng", "ngày", "tuần",
		"nay", "rồi ạ", "vậy", "nên", "ạ ạ")
	// diedLoss are the words that make "mất" a loss even after a relative
	// ("mẹ em bị mất", "bố làm mất").
	diedLoss = wordSet("bị", "làm", "đánh", "rơi", "rớt", "trộm", "giật", "lạc", "cháy", "trôi")
)

// wordSet holds each word as written and, for a word with marks, folded
// under "~" so that a token typed without marks finds it.
func wordSet(words ...string) map[string]bool {
	m := map[string]bool{}
	for _, w := range words {
		m[w] = true
		m["~"+vntext.Fold(w)] = true
	}
	return m
}

// in reports whether token t (lower case) is in set: as typed when it has
// marks, folded when it has none.
func in(set map[string]bool, t string) bool {
	if vntext.HasDiacritics(t) {
		return set[t]
	}
	return set["~"+vntext.Fold(t)]
}

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
	kin := false
	for i := 0; i < at; i++ {
		t := toks[i]
		switch {
		case i+1 < at && in(diedKin, t+" "+toks[i+1]): // "người thân"
			kin = true
			i++
		case in(diedKin, t):
			kin = true
		case !in(diedBefore, t) && !isNumber(t):
			return clause
		}
	}
	if !kin || in(diedLoss, toks[at-1]) {
		return clause
	}
	for _, t := range toks[at+1:] {
		if !in(diedAfter, t) && !isNumber(t) {
			return clause
		}
	}
	out := append(append(append([]string{}, toks[:at]...), "khuất"), toks[at+1:]...)
	return strings.Join(out, " ")
}
