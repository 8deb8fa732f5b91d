package search

import (
	"slices"
	"strings"

	"github.com/dvcbot/dvcbot/knowledge"
	"github.com/dvcbot/dvcbot/knowledge/vntext"
)

// Official catalogues name procedures as an action on a thing, often with a
// qualifier: "Cấp lại giấy phép bán lẻ sản phẩm rượu đối với tổ chức",
// "Thủ tục cấp giấy phép bán lẻ sản phẩm rượu", "Gia hạn giấy phép …". The
// records of one thing form a family; a question about the thing that names
// no action ("xin giấy phép bán rượu") asks for the plain one, and a question
// that names an action ("cấp lại", "gia hạn") asks for that one.

// recordActions are the actions official names open with, folded, longest
// first. Actions are stripped from the front repeatedly ("Thủ tục đăng ký",
// "Đề nghị công nhận").
var recordActions = []string{
	"cap bo sung", "cap lai", "cap doi", "gia han", "dieu chinh", "thu hoi", "xac nhan", "cong nhan",
	"tham dinh", "chap thuan", "de nghi", "thu tuc", "dang ky", "cap",
}

// plainActions are the actions of a first issue or registration: a question
// naming no action asks for one of these.
var plainActions = map[string]bool{"cap": true, "dang ky": true, "thu tuc": true}

// recordQualifiers open the qualifier an official name may end with: for
// whom, or in which case.
var recordQualifiers = []string{"doi voi", "trong truong hop", "cho nguoi", "cho to chuc"}

// fieldsOf holds the words of each of recordActions and recordQualifiers,
// split once.
var fieldsOf = func() map[string][]string {
	m := map[string][]string{}
	for _, s := range append(slices.Clone(recordActions), recordQualifiers...) {
		m[s] = strings.Fields(s)
	}
	return m
}()

// family is what an official record's name says, split: the thing it is
// about (folded words joined by spaces), the actions the name opens with
// (folded, in order; none for a bare name) and the qualifier's folded words.
type family struct {
	thing     string
	actions   []string
	qualifier []string
}

// recordFamily splits an official name (see family). The thing keeps at least
// one word: an action is stripped only when a word follows it.
func recordFamily(title string) family {
	toks := vntext.FoldedTokens(title)
	var f family
	for {
		matched := false
		for _, a := range recordActions {
			at := fieldsOf[a]
			if len(toks) > len(at) && slices.Equal(toks[:len(at)], at) {
				f.actions = append(f.actions, a)
				toks = toks[len(at):]
				matched = true
				break
			}
		}
		if !matched {
			break
		}
	}
	for i := 1; i < len(toks); i++ {
		for _, q := range recordQualifiers {
			qt := fieldsOf[q]
			if i+len(qt) < len(toks) && slices.Equal(toks[i:i+len(qt)], qt) {
				f.qualifier = toks[i:]
				toks = toks[:i]
				break
			}
		}
		if f.qualifier != nil {
			break
		}
	}
	f.thing = strings.Join(toks, " ")
	return f
}

// span returns the tokens of the thing among toks, the name's tokens as
// recordFamily split them.
func (f family) span(toks []string) []string {
	start := 0
	for _, a := range f.actions {
		start += len(fieldsOf[a])
	}
	end := len(toks) - len(f.qualifier)
	if start > end {
		return nil
	}
	return toks[start:end]
}

// Within a family, how much of its score a record keeps when its name adds an
// action or a qualifier the question does not name.
const (
	unaskedAction    = 0.85
	unaskedQualifier = 0.9
)

// familyFit is the share of its score an official record keeps for what its
// name adds to the thing the question asks about: an action other than a
// first issue whose words the question does not all use, a qualifier most of
// whose words it does not use.
func familyFit(f family, question map[string]bool) float64 {
	fit := 1.0
	for _, a := range f.actions {
		if !plainActions[a] && !allIn(actionWords(a), question) {
			fit *= unaskedAction
			break
		}
	}
	if len(f.qualifier) > 0 {
		n, in := 0, 0
		for _, w := range f.qualifier {
			if qualifierGlue[w] {
				continue
			}
			n++
			if question[w] {
				in++
			}
		}
		if 2*in < n {
			fit *= unaskedQualifier
		}
	}
	return fit
}

// qualifierGlue are the words that open a qualifier.
var qualifierGlue = map[string]bool{"doi": true, "voi": true, "trong": true, "truong": true, "hop": true, "cho": true}

// actionWords are the words a question must use to name an action: "cấp"
// goes without saying ("làm lại bằng lái" asks for "Cấp lại …").
func actionWords(a string) []string { return actionWordsOf[a] }

// actionWordsOf holds actionWords for each of recordActions.
var actionWordsOf = func() map[string][]string {
	m := make(map[string][]string, len(recordActions))
	for _, a := range recordActions {
		ws := fieldsOf[a]
		if len(ws) > 1 && ws[0] == "cap" {
			ws = ws[1:]
		}
		m[a] = ws
	}
	return m
}()

// allIn reports whether every word of ws is in set.
func allIn(ws []string, set map[string]bool) bool {
	for _, w := range ws {
		if !set[w] {
			return false
		}
	}
	return true
}

// unitStats are the name frequencies official records are weighed with. A
// catalogue holds each procedure many times (at every level, under several
// actions: "Cấp", "Cấp lại", "Gia hạn" …), so counting records would make the
// words of its largest families look common: "karaoke" in thirty records is
// still the name of one thing. Here each curated guide is one unit and each
// family of records is one, whatever its size.
type unitStats struct {
	n          int
	df, pairDF map[string]int // folded syllable / two-syllable phrase → units using it (names and summary / names)
	families   map[string]*familyStats
}

// familyStats count, for one family, the members and how many use each word
// and phrase.
type familyStats struct {
	members      int
	ids          map[string]bool // the members' ids
	words, pairs map[string]int
}

func newUnitStats() unitStats {
	return unitStats{df: map[string]int{}, pairDF: map[string]int{}, families: map[string]*familyStats{}}
}

// count adds (delta 1) or removes (delta -1) e; callers hold the write lock.
func (u *unitStats) count(e *entry, delta int) {
	if !e.p.IsOfficial() {
		u.n += delta
		for w := range e.words {
			addCount(u.df, w, delta)
		}
		for p := range e.pairs {
			addCount(u.pairDF, p, delta)
		}
		return
	}
	f := u.families[e.fam.thing]
	if f == nil {
		if delta < 0 {
			return
		}
		f = &familyStats{ids: map[string]bool{}, words: map[string]int{}, pairs: map[string]int{}}
		u.families[e.fam.thing] = f
		u.n++
	}
	f.members += delta
	if delta > 0 {
		f.ids[e.p.ID] = true
	} else {
		delete(f.ids, e.p.ID)
	}
	for w := range e.words {
		// The family uses a word while one of its members does.
		if n := addCount(f.words, w, delta); (delta > 0 && n == 1) || (delta < 0 && n == 0) {
			addCount(u.df, w, delta)
		}
	}
	for p := range e.pairs {
		if n := addCount(f.pairs, p, delta); (delta > 0 && n == 1) || (delta < 0 && n == 0) {
			addCount(u.pairDF, p, delta)
		}
	}
	if f.members <= 0 {
		delete(u.families, e.fam.thing)
		u.n--
	}
}

// Related returns up to n other official records about the same thing as the
// record id: the thing under another action ("Cấp lại …", "Gia hạn …") or for
// another case (its qualifier). Records of one variant (the same actions and
// qualifier, at several levels or worded "Thủ tục cấp …" beside "Cấp …")
// count once, at the level a citizen deals with first (see officialWeight),
// and the record's own variant not at all. First issues come first, then by
// name. A curated guide, an unknown id or a record alone in its family has
// none.
func (ix *Index) Related(id string, n int) []knowledge.Procedure {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	e := ix.procs[id]
	if e == nil || !e.p.IsOfficial() || n <= 0 {
		return nil
	}
	f := ix.units.families[e.fam.thing]
	if f == nil {
		return nil
	}
	own := e.fam.variant()
	best := map[string]*entry{}
	for mid := range f.ids {
		m := ix.procs[mid]
		if m == nil {
			continue
		}
		k := m.fam.variant()
		if k == own {
			continue
		}
		if b := best[k]; b == nil || preferred(m, b) {
			best[k] = m
		}
	}
	out := make([]*entry, 0, len(best))
	for _, m := range best {
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b *entry) int {
		if pa, pb := a.fam.plain(), b.fam.plain(); pa != pb {
			if pa {
				return -1
			}
			return 1
		}
		return strings.Compare(vntext.Key(a.p.Title), vntext.Key(b.p.Title))
	})
	procs := make([]knowledge.Procedure, 0, min(n, len(out)))
	for _, m := range out[:min(n, len(out))] {
		procs = append(procs, m.p)
	}
	return procs
}

// preferred reports whether the official record a stands for its variant
// before b: the level a citizen deals with first (see officialWeight), then
// the shorter name, then the smaller id.
func preferred(a, b *entry) bool {
	if wa, wb := officialWeight(a.p.Level), officialWeight(b.p.Level); wa != wb {
		return wa > wb
	}
	if len(a.p.Title) != len(b.p.Title) {
		return len(a.p.Title) < len(b.p.Title)
	}
	return a.p.ID < b.p.ID
}

// plain reports whether a record's name is a first issue or registration: it
// opens with no action or only plain ones.
func (f family) plain() bool {
	for _, a := range f.actions {
		if !plainActions[a] {
			return false
		}
	}
	return true
}

// variant names what a record's name adds to its thing: its actions other
// than plain ones, and its qualifier. Records of one family and variant are
// the same procedure.
func (f family) variant() string {
	var parts []string
	for _, a := range f.actions {
		if !plainActions[a] {
			parts = append(parts, a)
		}
	}
	return strings.Join(parts, " ") + "|" + strings.Join(f.qualifier, " ")
}
