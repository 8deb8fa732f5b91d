// Package vntext normalizes Vietnamese text for matching: NFC, lower case, tone and
// vowel-mark folding (đ→d), and syllable tokenization. Accented, unaccented and NFD
// (decomposed) input of the same words give the same folded tokens.
package vntext

import (
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Clean returns s in NFC with control characters removed and runs of white space
// collapsed to one space, trimmed; bytes that are not UTF-8 become U+FFFD.
// Letters keep their case and diacritics. Clean(Clean(s)) == Clean(s).
func Clean(s string) string {
	// Bytes that are not UTF-8 become U+FFFD before normalizing, so that the
	// marks after them compose as they will the next time ("\xf2" then
	// U+0340 would otherwise keep U+0340 once and turn it into U+0300 the
	// next).
	s = norm.NFC.String(strings.ToValidUTF8(s, "\ufffd"))
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || unicode.IsControl(r) || r == '\u200b' || r == '\ufeff':
			space = b.Len() > 0
		default:
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Lower returns s cleaned and lower-cased (diacritics kept).
func Lower(s string) string { return strings.ToLower(Clean(s)) }

// foldTable maps every precomposed Latin letter (U+00C0–U+1EFF) to its
// unaccented lower-case base, so folding needs no normalization pass.
var foldTable = func() map[rune]rune {
	m := map[rune]rune{'đ': 'd', 'Đ': 'd'}
	for r := rune(0xC0); r <= 0x1EFF; r++ {
		if !unicode.IsLetter(r) {
			continue
		}
		d := []rune(norm.NFD.String(string(r)))
		if len(d) > 1 && d[0] < 0x80 {
			m[r] = unicode.ToLower(d[0])
		}
	}
	return m
}()

// isMark reports combining marks (as found in NFD input).
// foldDense is foldTable as an array (a map lookup and a Unicode table search
// per letter made folding a tenth of an index rebuild); 0 where none.
var foldDense = func() []rune {
	d := make([]rune, 0x1F00)
	for r, f := range foldTable {
		d[r] = f
	}
	return d
}()

func isMark(r rune) bool { return r >= 0x300 && r <= 0x36F || unicode.Is(unicode.Mn, r) }

// Fold returns s lower-cased without diacritics ("Đăng ký" → "dang ky"), whatever
// the input normalization form (NFC, NFD or mixed). Non-letters are kept.
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || (c >= 'A' && c <= 'Z') {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r < 0x80:
			b.WriteRune(unicode.ToLower(r))
		case r < rune(len(foldDense)) && foldDense[r] != 0: // most of Vietnamese text
			b.WriteRune(foldDense[r])
		case isMark(r):
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// Toneless returns s lower-cased without its tone marks (sắc, huyền, hỏi,
// ngã, nặng) but with its vowel marks and đ ("chiểu" and "chiếu" both give
// "chiêu"; "xẻ" gives "xe"): two syllables typed with different tones, as
// speech recognition and hurried typing do, give the same string.
func Toneless(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		if !slices.Contains(ToneMarks, r) {
			b.WriteRune(r)
		}
	}
	return norm.NFC.String(b.String())
}

// ToneMarks are the five Vietnamese tone marks as combining characters, in
// this order: acute (sắc), grave (huyền), hook above (hỏi), tilde (ngã), dot
// below (nặng).
var ToneMarks = []rune{'\u0301', '\u0300', '\u0309', '\u0303', '\u0323'}

// HasDiacritics reports whether s has any Vietnamese mark or đ.
func HasDiacritics(s string) bool {
	for _, r := range norm.NFD.String(s) {
		if r == 'đ' || r == 'Đ' || unicode.Is(unicode.Mn, r) {
			return true
		}
	}
	return false
}

// Tokens splits s into lower-case syllables (letters and digits), keeping
// diacritics, in NFC.
func Tokens(s string) []string {
	return strings.FieldsFunc(strings.ToLower(norm.NFC.String(s)), isSep)
}

// FoldedTokens splits s into folded syllables.
func FoldedTokens(s string) []string {
	return strings.FieldsFunc(Fold(s), isSep)
}

func isSep(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) }

// Key returns the folded tokens of s joined by single spaces: a stable key for
// grouping questions ("Làm CCCD ở đâu?" and "lam cccd o dau" share one key).
func Key(s string) string { return strings.Join(FoldedTokens(s), " ") }

// Vietnamese syllables typed without marks: an onset, one to three vowels
// and a final ("nghieng", "khuyu", "truong").
var (
	syllableOnsets = []string{"ngh", "ng", "gh", "gi", "kh", "nh", "ph", "qu", "th", "tr", "ch", "b", "c", "d", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", ""}
	syllableFinals = []string{"ch", "ng", "nh", "c", "m", "n", "p", "t", ""}
)

// UnmarkedSyllable reports whether the unmarked lowercase word a can be a
// Vietnamese syllable typed without its marks; "rental", "contract" and
// "notarized" cannot.
func UnmarkedSyllable(a string) bool {
	for _, o := range syllableOnsets {
		rest, ok := strings.CutPrefix(a, o)
		if !ok {
			continue
		}
		for _, f := range syllableFinals {
			core, ok := strings.CutSuffix(rest, f)
			if ok && len(core) >= 1 && len(core) <= 3 && strings.Trim(core, "aeiouy") == "" {
				return true
			}
		}
	}
	return false
}
