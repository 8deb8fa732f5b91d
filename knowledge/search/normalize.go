package search

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/dvcbot/dvcbot/knowledge"
	"github.com/dvcbot/dvcbot/knowledge/vntext"
	"golang.org/x/text/unicode/norm"
)

// normalizer rewrites chat shorthand and repairs typing noise before a question
// is analysed. It is deterministic and idempotent: normalizing its own output
// changes nothing.
type normalizer struct {
	words   map[string][]string // token as typed (lower case, NFC) → replacement tokens
	phrases []normPhrase        // longest first
}

type normPhrase struct {
	from cue
	to   []string
}

// cue is a phrase as folded syllables plus the accented form it was written in: a
// syllable typed with diacritics must match them exactly, one typed without
// matches any.
type cue struct {
	fold []string
	acc  []string
}

func newCue(s string) cue { return cue{fold: vntext.FoldedTokens(s), acc: vntext.Tokens(s)} }

// newCues returns the cues of phrases, leaving out those with no syllables.
func newCues(phrases []string) []cue {
	var out []cue
	for _, p := range phrases {
		if c := newCue(p); len(c.fold) > 0 {
			out = append(out, c)
		}
	}
	return out
}

// anyCueAt reports whether one of cs stands somewhere in toks (lower case, as
// typed) whose folded forms are folds.
func anyCueAt(cs []cue, toks, folds []string) bool {
	for _, c := range cs {
		for k := range toks {
			if c.matchAt(toks, folds, k) {
				return true
			}
		}
	}
	return false
}

// markedAt reports whether c stands at toks[i:] typed with its very marks:
// an unmarked token does not stand for a marked syllable here.
func (c cue) markedAt(toks []string, i int) bool {
	return i+len(c.acc) <= len(toks) && slices.Equal(toks[i:i+len(c.acc)], c.acc)
}

// matchAt reports whether the cue stands at i of toks (lower case, as typed)
// whose folded forms are folds: an unaccented token matches any marks, one
// typed with marks only the same ones.
func (c cue) matchAt(toks, folds []string, i int) bool {
	if i+len(c.fold) > len(toks) {
		return false
	}
	for k, f := range c.fold {
		t, tf := toks[i+k], folds[i+k]
		if tf != f || (tf != t && t != c.acc[k]) {
			return false
		}
	}
	return true
}

// foldAll folds each token.
func foldAll(toks []string) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = vntext.Fold(t)
	}
	return out
}

func newNormalizer(sh knowledge.Shorthand) *normalizer {
	n := &normalizer{words: map[string][]string{}}
	for k, v := range sh.Words {
		if k := vntext.Tokens(k); len(k) == 1 {
			n.words[k[0]] = vntext.Tokens(v)
		}
	}
	for _, p := range sh.Phrases {
		n.phrases = append(n.phrases, normPhrase{from: newCue(p.From), to: vntext.Tokens(p.To)})
	}
	sort.SliceStable(n.phrases, func(i, j int) bool { return len(n.phrases[i].from.fold) > len(n.phrases[j].from.fold) })
	return n
}

// vocabulary answers whether a folded syllable, or a folded pair of syllables,
// is used by the knowledge base.
type vocabulary interface {
	word(fold string) bool
	pair(a, b string) bool
	// written answers whether a curated guide writes the lower-case
	// syllable, marks and all.
	written(syllable string) bool
	// writtenPair answers the same for two syllables in a row.
	writtenPair(a, b string) bool
}

// normalize returns q as lower-case syllables separated by single spaces, with
// shorthand expanded and noise repaired. A token is repaired only when it is
// not a word the knowledge base or the shorthand dictionary knows.
func (n *normalizer) normalize(q string, v vocabulary) string {
	toks := vntext.Tokens(vntext.Clean(q))
	if len(toks) > 4*maxQueryTokens {
		toks = toks[:4*maxQueryTokens]
	}
	var out []string
	for _, t := range toks {
		out = append(out, n.repair(fixHorn(t), v)...)
	}
	untranspose(out, v)
	rephone(out, v)
	out, fixed := n.applyPhrases(unifyIY(out, v))
	words := out[:0:0]
	for i, t := range out {
		// A word a phrase wrote stays as written ("vô hiệu" is not "vào").
		if r, ok := n.words[t]; ok && !fixed[i] {
			words = append(words, r...)
			continue
		}
		words = append(words, t)
	}
	words, _ = n.applyPhrases(words)
	return strings.Join(spellNumbers(words), " ")
}

// spokenDigits are the Vietnamese digit words a voice recogniser writes out,
// with their marks ("lăm", "tư" and "mốt" after tens); spokenUnits the units
// (folded) that make a run of them a number ("sáu mươi tuổi", "mười lăm
// ngày").
var (
	spokenDigits = map[string]int{"một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5, "sáu": 6,
		"bảy": 7, "tám": 8, "chín": 9}
	spokenUnits = map[string]bool{"tuoi": true, "ngay": true, "thang": true, "nam": true, "tuan": true, "trieu": true,
		"nghin": true, "ngan": true, "m2": true, "met": true}
)

// spellNumbers writes as digits the tens spoken out before a unit ("sáu
// mươi tuổi" → "60 tuổi", "mười lăm ngày" → "15 ngày", "hai mươi năm" →
// "20 năm"), typed with their marks: without them "sau muoi ngay" may be
// "after ten days". A lone digit word is left as it stands ("ba tháng", "một
// lần").
func spellNumbers(toks []string) []string {
	var out []string
	for i := 0; i < len(toks); {
		if v, n := spokenNumber(toks[i:]); n > 0 && i+n < len(toks) && spokenUnits[vntext.Fold(toks[i+n])] {
			out = append(out, strconv.Itoa(v))
			i += n
			continue
		}
		out = append(out, toks[i])
		i++
	}
	return out
}

// spokenNumber reads tens at the start of toks: "mười [d]" or "<d> mươi
// [d]", the digit after them only before a unit; n is how many tokens it
// takes (0 for none).
func spokenNumber(toks []string) (v, n int) {
	at := func(i int) string {
		if i < len(toks) {
			return toks[i]
		}
		return ""
	}
	switch d := spokenDigits[at(0)]; {
	case at(0) == "mười":
		v, n = 10, 1
	case d > 1 && at(1) == "mươi":
		v, n = d*10, 2
	default:
		return 0, 0
	}
	if d := spokenDigits[at(n)]; d > 0 && spokenUnits[vntext.Fold(at(n+1))] {
		v, n = v+d, n+1
	}
	return v, n
}

// applyPhrases rewrites the phrases of toks (see shorthand.yaml) and reports
// which words of the result a phrase wrote.
func (n *normalizer) applyPhrases(toks []string) ([]string, []bool) {
	if len(n.phrases) == 0 {
		return toks, make([]bool, len(toks))
	}
	var out []string
	var fixed []bool
	folds := foldAll(toks)
	for i := 0; i < len(toks); {
		matched := false
		for _, p := range n.phrases {
			if p.from.matchAt(toks, folds, i) {
				out = append(out, p.to...)
				for range p.to {
					fixed = append(fixed, true)
				}
				i += len(p.from.fold)
				matched = true
				break
			}
		}
		if !matched {
			out = append(out, toks[i])
			fixed = append(fixed, false)
			i++
		}
	}
	return out, fixed
}

// repair fixes one token typed with keystroke leftovers, doubled letters or a
// missing space, when the result is a known word and the token is not.
func (n *normalizer) repair(t string, v vocabulary) []string {
	f := vntext.Fold(t)
	if v.word(f) || n.words[t] != nil || !isASCIIWord(f) {
		return []string{t}
	}
	if num, unit := splitNumberUnit(f); unit != "" {
		return []string{num, unit}
	}
	for _, cand := range []string{vniStrip(f), telexStrip(f), collapseRuns(f), telexLateVowel(f)} {
		if cand != f && cand != "" && v.word(cand) {
			return []string{cand}
		}
	}
	if c := telexStrip(collapseRuns(f)); c != f && v.word(c) {
		return []string{c}
	}
	if len(f) >= 5 {
		for i := 2; i <= len(f)-2; i++ {
			a, b := f[:i], f[i:]
			if v.word(a) && v.word(b) && v.pair(a, b) {
				return []string{a, b}
			}
		}
	}
	return []string{t}
}

// numberUnits are the units citizens type glued to a number: an age ("ông
// 85t"), an amount ("15tr/tháng", "500k").
var numberUnits = map[string]string{"t": "tuổi", "tr": "triệu", "k": "nghìn", "ty": "tỷ"}

// splitNumberUnit splits a number typed with one of numberUnits ("85t" → "85",
// "tuổi"); unit is "" for any other token.
func splitNumberUnit(f string) (num, unit string) {
	i := 0
	for i < len(f) && f[i] >= '0' && f[i] <= '9' {
		i++
	}
	if i == 0 || i == len(f) {
		return "", ""
	}
	if u, ok := numberUnits[f[i:]]; ok {
		return f[:i], u
	}
	return "", ""
}

func isASCIIWord(s string) bool {
	letters := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
			letters++
		case c >= '0' && c <= '9':
		default:
			return false
		}
	}
	return letters > 0
}

// vniStrip drops VNI tone and mark digits typed after letters ("ca6n2" → "can").
func vniStrip(s string) string {
	if s[0] < 'a' || s[0] > 'z' {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= '1' && c <= '9' {
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// telexStrip undoes Telex keystrokes as folding would: doubled vowels and "dd"
// become one letter, and the mark and tone keys (w s f r x j) go anywhere
// after the first vowel: Telex lets them be typed after the final consonant
// ("lafm" → "lam", "hopwj" → "hop"), and no Vietnamese syllable has those
// letters after its vowel.
func telexStrip(s string) string {
	b := []byte(s)
	var out []byte
	vowel := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if i+1 < len(b) && b[i+1] == c && (c == 'a' || c == 'e' || c == 'o' || c == 'd') {
			out = append(out, c)
			vowel = vowel || c != 'd'
			i++
			continue
		}
		if vowel && strings.IndexByte("wsfrxj", c) >= 0 {
			continue
		}
		vowel = vowel || strings.IndexByte("aeiouy", c) >= 0
		out = append(out, c)
	}
	return string(out)
}

// telexLateVowel undoes a Telex circumflex key typed after the final
// consonant ("thata" for "thât", "thatas" → "that"): a syllable whose vowels
// are followed by consonants and then by one of a, e or o that its vowels
// already hold, and at most tone keys after it, loses that letter and the
// keys; any other token is returned as it is.
func telexLateVowel(s string) string {
	i := 0
	for i < len(s) && strings.IndexByte("aeiouy", s[i]) < 0 {
		i++
	}
	j := i
	for j < len(s) && strings.IndexByte("aeiouy", s[j]) >= 0 {
		j++
	}
	k := j
	for k < len(s) && strings.IndexByte("aeiouy", s[k]) < 0 {
		k++
	}
	if i == j || j == k || k == len(s) || strings.IndexByte("aeo", s[k]) < 0 || strings.IndexByte(s[i:j], s[k]) < 0 {
		return s
	}
	for _, c := range []byte(s[k+1:]) {
		if strings.IndexByte("sfrxj", c) < 0 {
			return s
		}
	}
	return s[:k]
}

// untranspose repairs, in place, a token typed without marks with two
// neighbouring letters swapped by a thumb ("khia sinh" → "khai sinh"): only a
// token the knowledge base does not use, and only into a word that forms a
// known phrase with a neighbour, since many real syllables ("chui") are not
// the knowledge base's words.
func untranspose(toks []string, v vocabulary) {
	for i, t := range toks {
		if len(t) < 3 || !isASCIIWord(t) || v.word(t) {
			continue
		}
		b := []byte(t)
		for k := 0; k+1 < len(b); k++ {
			if b[k] == b[k+1] {
				continue
			}
			b[k], b[k+1] = b[k+1], b[k]
			c := string(b)
			if v.word(c) && (i > 0 && v.pair(vntext.Fold(toks[i-1]), c) || i+1 < len(toks) && v.pair(c, vntext.Fold(toks[i+1]))) {
				toks[i] = c
				break
			}
			b[k], b[k+1] = b[k+1], b[k]
		}
	}
}

// soundSwaps are the spellings of one sound a regional accent, a speech
// recogniser or a spelling habit puts in place of another, at the start of a
// syllable: "dấy" (giấy), "nàm" (làm), "sóa" (xóa), "chường" (trường),
// "dải quyết" (giải quyết).
var soundSwaps = [][2]string{
	{"d", "gi"}, {"gi", "d"}, {"r", "d"}, {"d", "r"}, {"r", "gi"}, {"gi", "r"},
	{"n", "l"}, {"l", "n"}, {"s", "x"}, {"x", "s"}, {"ch", "tr"}, {"tr", "ch"},
}

// rephone repairs, in place, a syllable spelt as it sounds in a regional
// accent or as a speech recogniser heard it ("làm cái dấy chứng tử", "căn
// cướt", "nàm lại", "xác nhận cư chú"): one of soundSwaps at its start, or a
// final "t" heard for "c". Only a syllable typed with its marks that no guide
// writes is rewritten, and only into one that forms a phrase the guides write,
// marks and all, with a neighbour as typed ("giấy tờ"; not "chọn gói" for
// "trọn gói"). A syllable typed without marks stays, and so does a word the
// guides write, even where another would fit better ("lên" is not "nên",
// "chợ" not "trợ"; "cư chú" is left unrepaired).
func rephone(toks []string, v vocabulary) {
	fits := func(i int, c string) bool {
		return i > 0 && v.writtenPair(toks[i-1], c) || i+1 < len(toks) && v.writtenPair(c, toks[i+1])
	}
	for i, t := range toks {
		if len(t) < 2 || !vntext.HasDiacritics(t) || !isLetters(t) || v.written(t) {
			continue
		}
		for _, c := range append(soundAlikes(t), retones(t)...) {
			if fits(i, c) {
				toks[i] = c
				break
			}
		}
	}
}

// toneMarks are the five Vietnamese tone marks (vntext.ToneMarks: acute,
// grave, hook above, tilde, dot below).
var toneMarks = vntext.ToneMarks

// retones returns syllable t with its tone mark put right where a phone
// keyboard or an old habit put it wrong: the same tone on another vowel (the
// old placement "xoá", "hoà", "thuỷ" for "xóa", "hòa", "thủy"), and, for a
// syllable no Vietnamese word spells (one ending in c, ch, p or t takes only
// the acute or the dot below: "căn cươc"), each of those two tones on each
// vowel. The vowel marks (ă, â, ê, ô, ơ, ư, đ) stay as typed. A well-formed
// syllable keeps its tone: "chó" is not "cho". rephone keeps only a spelling
// that forms a phrase the guides write.
func retones(t string) []string {
	var base []rune // t in NFD without its tone
	var tone rune
	for _, r := range norm.NFD.String(t) {
		if slices.Contains(toneMarks, r) {
			tone = r
			continue
		}
		base = append(base, r)
	}
	tones := []rune{tone}
	if f := vntext.Fold(t); (strings.HasSuffix(f, "c") || strings.HasSuffix(f, "ch") || strings.HasSuffix(f, "p") || strings.HasSuffix(f, "t")) &&
		tone != toneMarks[0] && tone != toneMarks[4] {
		tones = []rune{toneMarks[0], toneMarks[4]}
	}
	if tones[0] == 0 {
		return nil
	}
	var out []string
	for k, r := range base {
		if !strings.ContainsRune("aeiouy", r) {
			continue
		}
		// after the vowel's own marks (the horn of ư, the breve of ă)
		at := k + 1
		for at < len(base) && unicode.Is(unicode.Mn, base[at]) {
			at++
		}
		for _, m := range tones {
			c := norm.NFC.String(string(slices.Concat(base[:at], []rune{m}, base[at:])))
			if c != t {
				out = append(out, c)
			}
		}
	}
	return out
}

// soundAlikes returns the spellings of syllable t that sound alike in some
// accent (see rephone).
func soundAlikes(t string) []string {
	var out []string
	for _, sw := range soundSwaps {
		// "d" before "i" would give "gii", which is no spelling.
		if rest, ok := strings.CutPrefix(t, sw[0]); ok && rest != "" && !(sw[0] == "d" && sw[1] == "gi" && strings.HasPrefix(rest, "i")) {
			out = append(out, sw[1]+rest)
		}
	}
	if strings.HasSuffix(t, "t") && len(t) > 2 {
		out = append(out, strings.TrimSuffix(t, "t")+"c")
	}
	return out
}

// isLetters reports whether s is only letters.
func isLetters(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// collapseRuns shortens every run of one repeated letter to a single letter.
func collapseRuns(s string) string {
	var out []byte
	for i := 0; i < len(s); i++ {
		if i > 0 && s[i] == s[i-1] {
			continue
		}
		out = append(out, s[i])
	}
	return string(out)
}

// hornedO and plainO map an o with each tone to the same tone on ơ, and back.
var (
	hornedO = map[rune]rune{'o': 'ơ', 'ò': 'ờ', 'ó': 'ớ', 'ỏ': 'ở', 'õ': 'ỡ', 'ọ': 'ợ'}
	plainO  = map[rune]bool{'ơ': true, 'ờ': true, 'ớ': true, 'ở': true, 'ỡ': true, 'ợ': true}
)

// fixHorn puts back the horn a phone keyboard often leaves off one vowel of
// "ươ": "nguời", "đuợc", "căn cuớc" (the horn on o only) and "đưọc" (on u
// only) are "người", "được", "căn cước". Vietnamese spells "uơ" before a
// further letter only after q ("quở" has none after it, nor "thuở"), so the
// repair is safe; a token is returned unchanged when there is nothing to do.
func fixHorn(t string) string {
	if !strings.ContainsAny(t, "uư") {
		return t // most syllables: spared the rune copy
	}
	r := []rune(t)
	changed := false
	for i := 0; i+2 < len(r); i++ {
		if !unicode.IsLetter(r[i+2]) || (i > 0 && r[i-1] == 'q') {
			continue
		}
		switch {
		case r[i] == 'u' && plainO[r[i+1]]:
			r[i], changed = 'ư', true
		case r[i] == 'ư':
			if h, ok := hornedO[r[i+1]]; ok {
				r[i+1], changed = h, true
			}
		}
	}
	if !changed {
		return t
	}
	return string(r)
}
