package search

import "github.com/dvcbot/dvcbot/knowledge/vntext"

// Vietnamese writes the final vowel of an open syllable after a consonant
// either i or y ("đăng kí" / "đăng ký", "lí lịch" / "lý lịch", "qui định" /
// "quy định", "bác sỹ" / "bác sĩ"): both spellings are in use and people mix
// them. The knowledge base uses one; search compares folded syllables, so the
// other would miss. unifyIY rewrites a syllable to the other spelling when the
// knowledge base uses that spelling next to the same neighbour and not the
// typed one: the choice follows the words around it, never a fixed list.
func unifyIY(toks []string, v vocabulary) []string {
	for i, t := range toks {
		alt, ok := iyVariant(t)
		if !ok {
			continue
		}
		f, g := vntext.Fold(t), vntext.Fold(alt)
		fits := func(w string) bool {
			return (i > 0 && v.pair(vntext.Fold(toks[i-1]), w)) || (i+1 < len(toks) && v.pair(w, vntext.Fold(toks[i+1])))
		}
		if !fits(f) && fits(g) {
			toks[i] = alt
		}
	}
	return toks
}

// iyOnsets are the consonants after which an open syllable may end in i or y.
var iyOnsets = map[string]bool{"k": true, "l": true, "m": true, "t": true, "s": true, "h": true, "n": true, "v": true, "d": true, "đ": true, "b": true, "qu": true}

// iToY and yToI swap the vowel, keeping its tone mark.
var (
	iToY = map[rune]rune{'i': 'y', 'í': 'ý', 'ì': 'ỳ', 'ỉ': 'ỷ', 'ĩ': 'ỹ', 'ị': 'ỵ'}
	yToI = map[rune]rune{'y': 'i', 'ý': 'í', 'ỳ': 'ì', 'ỷ': 'ỉ', 'ỹ': 'ĩ', 'ỵ': 'ị'}
)

// iyVariant returns the other spelling of a syllable made of an onset and a
// final i or y ("kí" → "ký", "quy" → "qui"), or false for any other syllable.
func iyVariant(t string) (string, bool) {
	r := []rune(t)
	if len(r) < 2 || len(r) > 3 {
		return "", false
	}
	onset := string(r[:len(r)-1])
	if !iyOnsets[onset] {
		return "", false
	}
	last := r[len(r)-1]
	if y, ok := iToY[last]; ok {
		return onset + string(y), true
	}
	if i, ok := yToI[last]; ok {
		return onset + string(i), true
	}
	return "", false
}
