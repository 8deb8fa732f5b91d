package offices

import (
	"strings"

	"github.com/dvcbot/dvcbot/knowledge/vntext"
)

// typeWords are the words and abbreviations that say what kind of unit a name
// is ("Phường", "P.", "Xã", "TT", "Q."); they are dropped from a name's key
// unless the rest is only a number ("Phường 5" stays "phuong 5").
var typeWords = []struct {
	words []string
	kind  string
}{
	{[]string{"thi", "tran"}, "thi tran"},
	{[]string{"thanh", "pho"}, "thanh pho"},
	{[]string{"thi", "xa"}, "thi xa"},
	{[]string{"dac", "khu"}, "dac khu"},
	{[]string{"phuong"}, "phuong"},
	{[]string{"xa"}, "xa"},
	{[]string{"quan"}, "quan"},
	{[]string{"huyen"}, "huyen"},
	{[]string{"p"}, "phuong"},
	{[]string{"f"}, "phuong"}, // "F.5", as people write it in the south
	{[]string{"x"}, "xa"},
	{[]string{"tt"}, "thi tran"},
	{[]string{"q"}, "quan"},
	{[]string{"h"}, "huyen"},
	{[]string{"tp"}, "thanh pho"},
	{[]string{"tx"}, "thi xa"},
}

// CommuneKey is the comparable form of a commune name: without accents, type
// word or abbreviation, leading zeros or anything in brackets ("Phường Hòa
// Bình" → "hoa binh", "P.05" → "phuong 5", "TT. Đồng Tiến" → "dong tien").
// It returns "" for a name with nothing left.
func CommuneKey(name string) string {
	if i := strings.IndexAny(name, "(["); i >= 0 {
		name = name[:i]
	}
	return keyOf(splitNumbered(vntext.FoldedTokens(name)))
}

// splitNumbered splits "p5", "q1", "f12" into the abbreviation and the number.
func splitNumbered(toks []string) []string {
	out := make([]string, 0, len(toks)+1)
	for _, t := range toks {
		if len(t) >= 2 && (t[0] == 'p' || t[0] == 'q' || t[0] == 'f') && allDigits(t[1:]) {
			out = append(out, t[:1], t[1:])
			continue
		}
		out = append(out, t)
	}
	return out
}

func keyOf(toks []string) string {
	kind := ""
	for _, tw := range typeWords {
		if hasPrefix(toks, tw.words) && len(toks) > len(tw.words) {
			kind, toks = tw.kind, toks[len(tw.words):]
			break
		}
	}
	if len(toks) == 0 {
		return ""
	}
	for i, t := range toks {
		if allDigits(t) {
			t = strings.TrimLeft(t, "0")
			if t == "" {
				t = "0"
			}
			toks[i] = t
		}
	}
	key := strings.Join(toks, " ")
	if len(toks) == 1 && allDigits(toks[0]) {
		if kind == "" {
			return ""
		}
		return kind + " " + key
	}
	return key
}

func hasPrefix(toks, prefix []string) bool {
	if len(toks) < len(prefix) {
		return false
	}
	for i, p := range prefix {
		if toks[i] != p {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// CommuneMatch is a commune recognised in what a citizen wrote.
type CommuneMatch struct {
	// Commune is the commune's current name as the directory spells it.
	Commune string `json:"commune"`
	// Matched is the name that matched (a former name when Former).
	Matched string `json:"matched"`
	Former  bool   `json:"former,omitempty"`
	// Distance is the number of letters typed differently (0: exact).
	Distance int `json:"distance"`
}

// maxWindow is the longest run of syllables tried as a commune name.
const maxWindow = 6

// FindCommune finds the communes named in text, best first: an exact name
// (without accents, abbreviations or type words; former names too) anywhere
// in the text, the longest first; otherwise names within a letter or two of
// a typo, when no more than a few words were written. Several matches with the
// same quality mean the text is ambiguous.
func (d *Directory) FindCommune(text string) []CommuneMatch {
	toks := splitNumbered(vntext.FoldedTokens(text))
	if out := d.exact(toks, false); len(out) > 0 {
		return out
	}
	// Fuzzy: only for short answers ("phuong hao binh"), never inside a sentence.
	if len(toks) == 0 || len(toks) > 5 {
		return nil
	}
	typed := keyOf(append([]string(nil), toks...))
	if typed == "" || len(typed) < 4 || strings.ContainsAny(typed, "0123456789") {
		return nil
	}
	best := 3
	var out []CommuneMatch
	for k, refs := range d.names {
		dist := levenshtein(strings.ReplaceAll(typed, " ", ""), strings.ReplaceAll(k, " ", ""))
		limit := 1
		if len(k) >= 9 {
			limit = 2
		}
		if dist > limit || dist > best || strings.ContainsAny(k, "0123456789") {
			continue
		}
		if dist < best {
			best, out = dist, nil
		}
		out = appendMatches(out, refs, dist)
	}
	return out
}

func appendMatches(out []CommuneMatch, refs []nameRef, dist int) []CommuneMatch {
	for _, r := range refs {
		dup := false
		for _, o := range out {
			if o.Commune == r.commune {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, CommuneMatch{Commune: r.commune, Matched: r.name, Former: r.former, Distance: dist})
		}
	}
	return out
}

// levenshtein is the edit distance between a and b (bytes; keys are ASCII),
// counting two swapped neighbours as one edit ("hao" for "hoa").
func levenshtein(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// MentionedCommunes finds communes named in a sentence with their type word
// ("tôi ở phường Hòa Bình", "nhà mình ở TT Đồng Tiến"), exactly (accents
// aside): a bare name in a sentence is not taken for a commune.
func (d *Directory) MentionedCommunes(text string) []CommuneMatch {
	return d.exact(splitNumbered(vntext.FoldedTokens(text)), true)
}

// exact returns the names of the longest window of toks that is a name; with
// typed, the window must start with a type word ("phường", "xã", "P.", ...).
func (d *Directory) exact(toks []string, typed bool) []CommuneMatch {
	for n := min(maxWindow, len(toks)); n >= 1; n-- {
		var out []CommuneMatch
		for i := 0; i+n <= len(toks); i++ {
			w := toks[i : i+n]
			if typed && !startsWithType(w) {
				continue
			}
			out = appendMatches(out, d.names[keyOf(append([]string(nil), w...))], 0)
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}

func startsWithType(toks []string) bool {
	for _, tw := range typeWords {
		if len(toks) > len(tw.words) && hasPrefix(toks, tw.words) {
			return true
		}
	}
	return false
}
