// Package vntext normalizes Vietnamese text for matching: NFC, lower case, tone and
// vowel-mark folding (đ→d), and syllable tokenization. Accented, unaccented and NFD
// (decomposed) input of the same words give the same folded tokens.
package vntext

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Clean returns s in NFC with control characters removed and runs of white space
// collapsed to one space, trimmed. Letters keep their case and diacritics.
func Clean(s string) string {
	s = norm.NFC.String(s)
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

// FoldRune maps one rune to its unaccented lower-case base, or -1 when the rune is a
// combining mark to drop.
func foldRune(r rune) rune {
	switch r {
	case 'đ', 'Đ':
		return 'd'
	}
	if unicode.Is(unicode.Mn, r) {
		return -1
	}
	return unicode.ToLower(r)
}

// Fold returns s lower-cased without diacritics ("Đăng ký" → "dang ky"), whatever
// the input normalization form. Non-letters are kept.
func Fold(s string) string {
	d := norm.NFD.String(s)
	var b strings.Builder
	b.Grow(len(d))
	for _, r := range d {
		if f := foldRune(r); f >= 0 {
			b.WriteRune(f)
		}
	}
	return b.String()
}

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
