// Package search is dvcbot's Vietnamese-aware full-text index of procedures, built
// on bleve (scorch, BM25, in memory). Questions match with or without diacritics,
// through abbreviation/old-term expansion, and come back ranked with a confidence
// signal the dialogue uses to answer, ask back or admit it does not know.
package search

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/knowledge"
	"github.com/dvcbot/dvcbot/knowledge/vntext"
)

// Index holds the procedures in force and their search index. It is safe for
// concurrent use; writes replace whole procedures.
type Index struct {
	mu      sync.RWMutex
	mapping mapping.IndexMapping
	// Curated guides and official records are indexed apart, so that a
	// guide's BM25 score, and so how sure the bot is of it, does not depend
	// on how large a catalogue is imported beside the guides.
	guides  bleve.Index
	records bleve.Index
	// Writes since the indexes were last built whole (see compact.go).
	version      uint64
	loose        int
	lastWrite    time.Time
	compacting   bool
	closed       bool
	procs        map[string]*entry
	expPairs     map[string]bool // folded two-syllable phrases of expansion terms
	exp          *expander
	norm         *normalizer
	offTopics    []offTopic                 // subjects not covered (see not_covered.yaml)
	codes        map[string]map[string]bool // national code → curated guides that explain it
	cur          stats                      // the same frequencies over curated guides only
	names        map[string]map[string]bool // folded name of a curated guide (title or alias) → its ids
	model        Model                      // confidence model (DefaultModel unless replaced)
	threshold    float64                    // Confident when the best hit's Confidence reaches it
	vocab        map[string]int             // folded syllable → number of procedures using it anywhere
	bigrams      map[string]int             // folded "a b" → number of procedures using it anywhere
	marked       map[string]int             // lower-case syllable, or "a b" pair, with its marks → number of curated guides using it
	intern       map[string]string          // one copy of each folded syllable, shared by the entries' vocabularies
	units        unitStats                  // frequencies over curated guides and families of official records
	scope        knowledge.ScopeModel       // whether a question asks what no guide answers (see AsksElse)
	guideModel   knowledge.GuideModel       // which guide a question's wording resembles (see Resembles)
	sectionModel knowledge.SectionModel     // which part of a guide a question asks for (see SectionAsked)

	// wordsGen counts the changes to what Normalize reads (dictionaries,
	// vocabulary), made under mu's write lock; words remembers the models'
	// reading of recent questions for one generation (see modelWords).
	wordsGen atomic.Uint64
	words    wordsMemo
}

// entry is one indexed procedure with the token sets used for confidence.
type entry struct {
	p          knowledge.Procedure
	words      map[string]bool      // folded syllables of names, field and summary
	named      map[string]bool      // folded syllables of names and field only
	accented   map[string]bool      // the same with diacritics
	pairs      map[string]int       // folded two-syllable phrases of names → how many names use it
	title      map[string]bool      // folded two-syllable phrases of the title
	vocab      []string             // folded syllables of all its text, sorted, each once (strings shared through Index.intern)
	bigrams    []string             // folded two-syllable sequences of its text, each once, until counted (then nil: recomputed to uncount; empty: counted elsewhere)
	nameToks   [][]string           // each name's syllables as written (lower case), question words left out
	nameFold   [][]string           // the same, folded
	nameLen    []int                // syllables each name counts for NameFit: a core name ("khai sinh") counts as its whole name
	nameAt     map[string][]namePos // folded syllable → where it stands in the names, by name then position
	actionN    []int                // syllables of the action each name opens with (see nameActions), 0 for none
	notAbout   []cue                // what it is not about (Procedure.NotAbout)
	aboutOnly  []cue                // the only subject matter it is about (Procedure.AboutOnly)
	situations []situation          // the life situations a guide is written for (Procedure.Situation)
	papers     string               // a curated guide's papers to bring, folded, each as " | name | "; "" for records
	fam        family               // an official record's name, split (see recordFamily)
}

// New returns an empty index using the given expansion dictionary.
func New(expansions []knowledge.Expansion) (*Index, error) {
	m, err := newMapping()
	if err != nil {
		return nil, fmt.Errorf("search: mapping: %w", err)
	}
	guides, records, err := openPair(m)
	if err != nil {
		return nil, err
	}
	ix := &Index{mapping: m, guides: guides, records: records, procs: map[string]*entry{}, vocab: map[string]int{}, marked: map[string]int{}, bigrams: map[string]int{}, intern: map[string]string{}, codes: map[string]map[string]bool{}, cur: newStats(), names: map[string]map[string]bool{}, units: newUnitStats()}
	ix.setExpander(newExpander(expansions))
	ix.norm = newNormalizer(knowledge.Shorthand{})
	ix.model, ix.threshold = DefaultModel, AnswerThreshold
	return ix, nil
}

// SetModel replaces the confidence model and the answer threshold (calibration
// tools use it; the defaults are DefaultModel and AnswerThreshold).
func (ix *Index) SetModel(m Model, threshold float64) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.model, ix.threshold = m, threshold
}

// stats are the frequencies evidence is weighed with. Curated guides are
// weighed against curated guides only, so that importing a large official
// catalogue does not change how sure the bot is of its guides; official
// records are weighed against everything.
type stats struct {
	n                 int // units df and pairDF count (procedures, or families of records: see unitStats)
	vocabN            int // procedures vocab counts
	df, pairDF, vocab map[string]int
}

func newStats() stats {
	return stats{df: map[string]int{}, pairDF: map[string]int{}, vocab: map[string]int{}}
}

// statsFor returns the frequencies e's evidence is weighed with; callers hold
// a lock.
func (ix *Index) statsFor(e *entry) *stats {
	if e.p.IsOfficial() {
		return &stats{n: ix.units.n, vocabN: len(ix.procs), df: ix.units.df, pairDF: ix.units.pairDF, vocab: ix.vocab}
	}
	return &ix.cur
}

// offTopic is a subject the knowledge base does not cover.
type offTopic struct {
	topic   bot.NotCovered
	phrases []cue
	marked  []cue // count only typed with their marks (knowledge.NotCoveredTopic.Marked)
	asks    bool  // its phrases say what is asked (knowledge.NotCoveredTopic.Asks)
	except  []cue // phrases in which its own do not count (knowledge.NotCoveredTopic.Except)
	figures bool  // its phrases count only beside the asker's figures (knowledge.NotCoveredTopic.Figures)
}

// SetNotCovered replaces the list of subjects the knowledge base does not cover.
func (ix *Index) SetNotCovered(list []knowledge.NotCoveredTopic) {
	var out []offTopic
	for _, t := range list {
		out = append(out, offTopic{topic: bot.NotCovered{Name: t.Name, Help: t.Help}, phrases: newCues(t.Phrases), marked: newCues(t.Marked), asks: t.Asks, except: newCues(t.Except), figures: t.Figures})
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.offTopics = out
}

// NotCovered returns the first subject of the not-covered list the question
// names, read as Search reads it (shorthand expanded), or nil. It is the
// NotCovered a search of the question reports when its best hit does not
// name the subject, without the search.
func (ix *Index) NotCovered(q string) *bot.NotCovered {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	_, toks, folds := ix.read(q)
	_, nc := ix.offTopicPhrases(q, toks, folds)
	return nc
}

// read returns a question as Search reads it: normalized (shorthand
// expanded), its syllables, and the same folded. Callers hold a lock.
func (ix *Index) read(q string) (normalized string, toks, folds []string) {
	normalized = ix.norm.normalize(q, ixVocab{ix})
	toks = strings.Fields(normalized)
	return normalized, toks, foldAll(toks)
}

// negated reports whether the words before folds[k] deny it: "không tranh
// chấp với ai", "chưa có tranh chấp", "chẳng vay ngân hàng" tell the
// citizen's situation, they do not ask about the thing. A "không" that
// closes a "có … không" question just before the thing is no denial.
//
// starts marks the words that open a clause of the question as typed (after
// a comma or a full stop): no word denies one across that boundary ("có phải
// thi lại không, phục hồi điểm kiểu gì"). It may be nil.
func negated(folds []string, k int, starts map[int]bool) bool {
	neg := func(f string) bool { return f == "khong" || f == "chua" || f == "chang" || f == "ko" }
	if starts[k] {
		return false
	}
	if k >= 1 && neg(folds[k-1]) {
		// "có bị phạt không, phạt bao nhiêu": the "không" closes a yes/no
		// question opened by "có" just before it; it denies nothing after it.
		return !slices.Contains(folds[max(0, k-4):k-1], "co")
	}
	return k >= 2 && !starts[k-1] && neg(folds[k-2]) && (folds[k-1] == "co" || folds[k-1] == "bi" || folds[k-1] == "tung")
}

// clauseStarts returns the positions in the normalized question (n words)
// of the words that open a clause of q after a comma, semicolon or full stop,
// or nil when the clauses, normalized one by one, do not add up to the same
// words. Callers hold a lock.
func (ix *Index) clauseStarts(q string, n int) map[int]bool {
	parts := ix.normalizeClauses(q)
	if len(parts) < 2 {
		return nil
	}
	starts := map[int]bool{}
	at := 0
	for _, p := range parts {
		if at > 0 {
			starts[at] = true
		}
		at += len(strings.Fields(p))
	}
	if at != n {
		return nil
	}
	return starts
}

// Excludes reports whether the question, read as Search reads it (shorthand
// expanded), names something the procedure id says it is not about, or is
// outside the subject matter it is limited to (outsideScope); false for an
// unknown id.
func (ix *Index) Excludes(id, q string) bool {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	e := ix.procs[id]
	if e == nil || len(e.notAbout)+len(e.aboutOnly) == 0 {
		return false
	}
	normalized, toks, folds := ix.read(q)
	if e.namedNotAbout(toks, folds) {
		return true
	}
	// Only a guide limited to a subject matter needs the question analysed.
	return len(e.aboutOnly) > 0 && e.outsideScope(toks, folds, analyze(normalized, ix.exp, ix.knownPhrase))
}

// offPhrase is a not-covered phrase a question names.
type offPhrase struct {
	fold []string // its folded syllables
	asks bool     // it says what is asked (offTopic.asks)
	// named: when the phrase was read inside a longer expansion term ("khám
	// bệnh" in "thẻ khám bệnh"), what the term expands to ("bảo hiểm y tế"):
	// a guide that mentions it reads the phrase as part of that name.
	named [][]string
	// marked: the phrase counts only typed with its marks (offTopic.marked),
	// and only a name written with them is about it.
	marked []string
}

// offTopicPhrases returns the not-covered phrases question q names (toks and
// folds are q as read), unless denied (negated within a clause of q), and the
// first subject they belong to; callers hold a lock.
func (ix *Index) offTopicPhrases(q string, toks, folds []string) ([]offPhrase, *bot.NotCovered) {
	starts := ix.clauseStarts(q, len(toks))
	var found []offPhrase
	var first *bot.NotCovered
	terms := ix.exp.spans(folds)
	// scan records the first place in the question where each of cs stands
	// (at tells where one does) and is not denied.
	scan := func(t *offTopic, cs []cue, at func(c cue, k int) bool, marked bool) {
		for _, c := range cs {
			for k := range toks {
				if !at(c, k) || negated(folds, k, starts) || t.excepts(toks, folds, k, len(c.fold)) {
					continue
				}
				f := offPhrase{fold: c.fold, asks: t.asks, named: enclosingNames(terms, k, k+len(c.fold))}
				if marked {
					f.marked = c.acc
				}
				found = append(found, f)
				if first == nil {
					first = &t.topic
				}
				break
			}
		}
	}
	figures := sync.OnceValue(func() bool { return givesFigures(folds) })
	// In a message typed with its marks, a syllable typed without any is
	// that syllable ("nuôi cho đàng hoàng" is no "nuôi chó"): a phrase
	// stands only with its own marks there.
	typedMarked := markedMessage(toks, folds)
	for i := range ix.offTopics {
		t := &ix.offTopics[i]
		if t.figures && !figures() {
			continue
		}
		scan(t, t.phrases, func(c cue, k int) bool { return c.matchAt(toks, folds, k) && (!typedMarked || c.markedAt(toks, k)) }, false)
		scan(t, t.marked, func(c cue, k int) bool { return c.markedAt(toks, k) }, true)
	}
	return found, first
}

// figureUnits follow a number that is one person's own figure: years paid,
// a salary, an age, months.
var figureUnits = map[string]bool{"nam": true, "trieu": true, "tr": true, "tuoi": true, "thang": true, "t": true, "cu": true}

// givesFigures reports whether a question (folded syllables, as normalized:
// "7tr" and "60t" are already "7 triệu", "60 tuổi") gives a figure of the
// asker's own: a number before one of figureUnits ("22 năm", "8 triệu") or
// with one stuck to it that normalizing leaves ("6tr5").
func givesFigures(folds []string) bool {
	for k, f := range folds {
		n := len(f) - len(strings.TrimLeft(f, "0123456789"))
		if n == 0 {
			continue
		}
		unit := strings.TrimRight(f[n:], "0123456789")
		if unit == "" && k+1 < len(folds) {
			unit = folds[k+1]
		}
		if figureUnits[unit] {
			return true
		}
	}
	return false
}

// excepts reports whether the n syllables at k of the question stand inside
// one of t's except phrases, or right after one ("bằng lái xe" before "của
// Hàn Quốc": a foreign licence is one to exchange).
func (t *offTopic) excepts(toks, folds []string, k, n int) bool {
	for _, c := range t.except {
		if k >= len(c.fold) && c.matchAt(toks, folds, k-len(c.fold)) {
			return true
		}
		for at := max(0, k+n-len(c.fold)); at <= k; at++ {
			if c.matchAt(toks, folds, at) {
				return true
			}
		}
	}
	return false
}

// namedNotAbout reports whether the question (normalized tokens) names one of
// the things e says it is not about.
func (e *entry) namedNotAbout(toks, folds []string) bool {
	return anyCueAt(e.notAbout, toks, folds)
}

// outsideScope reports whether a guide limited to a subject matter
// (Procedure.AboutOnly) is asked about something else: the message (toks,
// folds: the question, or the whole message a clause of it is part of) names
// none of that subject matter, and some content word of the question (pl) is
// not in the guide's names. A question of the guide's own name alone ("khiếu
// nại tố cáo có mất phí không") is never outside.
func (e *entry) outsideScope(toks, folds []string, pl plan) bool {
	if len(e.aboutOnly) == 0 || anyCueAt(e.aboutOnly, toks, folds) {
		return false
	}
	for _, t := range pl.content {
		if !e.named[t.fold] {
			return true
		}
	}
	return false
}

// situationFirst puts first a situation guide whose situation the question
// describes (Evidence.Situation) and that it is not told it is not about: it
// scores as if named whole, twice the best other hit, so the single
// procedures it leads to become its runners-up.
func situationFirst(hits []bot.SearchHit) {
	describes := func(h bot.SearchHit) bool { return h.Evidence.Situation && !vetoed(h.Evidence) }
	// A life situation guide whose situation the question describes comes
	// before a single procedure whose own situation it describes too ("bị
	// mất cả căn cước lẫn giấy khai sinh" is the lost-papers situation, not
	// only the card's re-issue).
	i := slices.IndexFunc(hits, func(h bot.SearchHit) bool { return h.Field == bot.SituationField && describes(h) })
	if i < 0 {
		i = slices.IndexFunc(hits, describes)
	}
	if i < 0 {
		return
	}
	h := hits[i]
	best := h.Score
	for _, o := range hits {
		best = max(best, o.Score)
	}
	h.Score = 2 * best
	h.Evidence.FullName, h.Evidence.NameFit = true, 1
	putFirst(hits, i, h)
}

// putFirst moves the hits before i one place down and puts h, the hit at i
// (perhaps re-scored), first.
func putFirst(hits []bot.SearchHit, i int, h bot.SearchHit) {
	copy(hits[1:i+1], hits[:i])
	hits[0] = h
}

// situationThing is one thing of a situation group: its alternative names
// ("cà vẹt/đăng ký xe") and the key that tells it from the others (its
// first name, folded).
type situationThing struct {
	key   string
	names []cue
}

// inSituation reports whether the question names the situation of a
// situation guide (Procedure.Situation): a thing of every group, each on
// syllables no other group's took, and no thing twice (its alternative names
// are one thing), and nothing that tells another situation (a None thing).
func (e *entry) inSituation(toks, folds []string) bool {
	return slices.ContainsFunc(e.situations, func(s situation) bool { return s.describedBy(toks, folds) })
}

// situation is one life situation a guide is written for: a thing of every
// group is named, and none of the things that tell another situation.
type situation struct {
	groups [][]situationThing
	none   []cue
}

// describedBy reports whether the question (normalized tokens and their
// folded forms) describes s.
func (s situation) describedBy(toks, folds []string) bool {
	if len(s.groups) == 0 || anyCueAt(s.none, toks, folds) {
		return false
	}
	taken := make([]bool, len(toks))
	used := map[string]bool{}
	for _, group := range s.groups {
		if !takeThing(group, toks, folds, taken, used) {
			return false
		}
	}
	return true
}

// namesMarked reports whether one of e's names, as written, holds the
// syllables acc with their very marks.
func (e *entry) namesMarked(acc []string) bool {
	return slices.ContainsFunc(e.nameToks, func(name []string) bool { return hasRun(name, acc) })
}

// situationNames reports whether a thing of e's situation is named with the
// folded phrase ("thẻ ngân hàng" among the papers lost with a wallet): a
// question that tells the situation is about that phrase too.
func (e *entry) situationNames(fold []string) bool {
	for _, s := range e.situations {
		for _, group := range s.groups {
			for _, th := range group {
				if slices.ContainsFunc(th.names, func(c cue) bool { return hasRun(c.fold, fold) }) {
					return true
				}
			}
		}
	}
	return false
}

// hasRun reports whether run stands in s, its syllables side by side.
func hasRun(s, run []string) bool {
	for k := 0; k+len(run) <= len(s); k++ {
		if slices.Equal(s[k:k+len(run)], run) {
			return true
		}
	}
	return false
}

// takeThing finds the first place in the question where a thing of group not
// yet used stands on syllables not yet taken, marks the thing used and its
// syllables taken, and reports whether there was one.
func takeThing(group []situationThing, toks, folds []string, taken []bool, used map[string]bool) bool {
	for k := range toks {
		for _, th := range group {
			if used[th.key] {
				continue
			}
			for _, c := range th.names {
				if c.matchAt(toks, folds, k) && !anyTaken(taken, k, len(c.fold)) {
					for j := k; j < k+len(c.fold); j++ {
						taken[j] = true
					}
					used[th.key] = true
					return true
				}
			}
		}
	}
	return false
}

// anyTaken reports whether one of taken[k:k+n] is set.
func anyTaken(taken []bool, k, n int) bool {
	for j := k; j < k+n; j++ {
		if taken[j] {
			return true
		}
	}
	return false
}

// recordMentions reports whether an official record is about a folded phrase
// of the subjects the guides do not cover: its names use every word of it
// ("bán rượu" in "Cấp giấy phép bán lẻ sản phẩm rượu"), or every word of what
// the expansion dictionary makes of it ("cây xăng" → "cửa hàng bán lẻ xăng
// dầu"). A record that is not ("giếng" against "khai thác thủy sản") is
// about something else, as a guide would be. Callers hold a lock.
func (ix *Index) recordMentions(e *entry, fold []string) bool {
	if e.namesAll(fold) {
		return true
	}
	for _, t := range ix.exp.terms {
		if slices.Equal(t.fold, fold) {
			for _, x := range t.expandFold {
				if e.namesAll(x) {
					return true
				}
			}
		}
	}
	return false
}

// namesAll reports whether e's names or field use every word of fold.
func (e *entry) namesAll(fold []string) bool {
	for _, f := range fold {
		if !e.named[f] {
			return false
		}
	}
	return len(fold) > 0
}

// mentions reports whether e is about the folded phrase: its names or field use
// it, or one of the papers it asks for does ("giấy khám sức khỏe" to renew a
// driving licence). A mention in the summary or the steps does not count:
// "không áp dụng cho đại học" is not about universities.
func (e *entry) mentions(fold []string) bool {
	if e.namesPhrase(fold) {
		return true
	}
	return e.papers != "" && len(fold) > 1 && strings.Contains(e.papers, " "+strings.Join(fold, " ")+" ")
}

// SetShorthand replaces the chat-shorthand dictionary; later searches use it.
func (ix *Index) SetShorthand(sh knowledge.Shorthand) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.wordsGen.Add(1)
	ix.norm = newNormalizer(sh)
}

// Normalize returns a question with chat shorthand expanded and typing noise
// repaired, as lower-case syllables separated by spaces (see shorthand.yaml).
// Normalizing the result again changes nothing.
//
// The clauses of q (split at commas, semicolons and full stops) are
// normalized one by one and joined with ", ", so that a search of the result
// still sees where each clause starts (see negated).
func (ix *Index) Normalize(q string) string {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if parts := ix.normalizeClauses(q); len(parts) >= 2 {
		return strings.Join(parts, ", ")
	}
	return ix.norm.normalize(q, ixVocab{ix})
}

// normalizeClauses splits q at commas, semicolons, full stops, question and
// exclamation marks and line breaks, and returns the clauses normalized one
// by one, leaving out those with no words; a clause that says a relative
// died with "mất" at its end says "khuất" (diedClause). Callers hold a lock.
func (ix *Index) normalizeClauses(q string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(q, func(r rune) bool { return strings.ContainsRune(",;.!?\n", r) }) {
		if n := ix.norm.normalize(p, ixVocab{ix}); n != "" {
			out = append(out, diedClause(n))
		}
	}
	return out
}

// ixVocab is the index's vocabulary; callers hold a lock.
type ixVocab struct{ ix *Index }

func (v ixVocab) word(f string) bool    { return v.ix.vocab[f] > 0 || stopWords[f] }
func (v ixVocab) pair(a, b string) bool { return v.ix.bigrams[a+" "+b] > 0 }
func (v ixVocab) written(t string) bool { return v.ix.marked[t] > 0 }
func (v ixVocab) writtenPair(a, b string) bool {
	return v.ix.marked[a+" "+b] > 0
}

// Close releases the index.
func (ix *Index) Close() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.closed = true
	return errors.Join(ix.guides.Close(), ix.records.Close())
}

// openPair opens the two in-memory bleve indexes (guides, records).
func openPair(m mapping.IndexMapping) (bleve.Index, bleve.Index, error) {
	guides, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("search: open index: %w", err)
	}
	records, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	if err != nil {
		guides.Close()
		return nil, nil, fmt.Errorf("search: open index: %w", err)
	}
	return guides, records, nil
}

// bleveFor is the bleve index that holds e; callers hold a lock.
func (ix *Index) bleveFor(e *entry) bleve.Index {
	if e.p.IsOfficial() {
		return ix.records
	}
	return ix.guides
}

// SetExpansions replaces the expansion dictionary; later searches use it.
func (ix *Index) SetExpansions(list []knowledge.Expansion) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.wordsGen.Add(1)
	ix.setExpander(newExpander(list))
}

// setExpander installs exp and its phrases; callers hold the write lock.
func (ix *Index) setExpander(exp *expander) {
	ix.exp = exp
	ix.expPairs = map[string]bool{}
	for _, t := range exp.terms {
		for i := 1; i < len(t.fold); i++ {
			ix.expPairs[t.fold[i-1]+" "+t.fold[i]] = true
		}
	}
}

// knownPhrase reports whether a folded two-syllable phrase is part of a
// procedure name or an expansion term; callers hold a lock.
func (ix *Index) knownPhrase(p string) bool { return ix.units.pairDF[p] > 0 || ix.expPairs[p] }

// addCount adds delta to m[k], deletes the key at zero, and returns the count.
func addCount(m map[string]int, k string, delta int) int {
	n := m[k] + delta
	if n <= 0 {
		delete(m, k)
		return 0
	}
	m[k] = n
	return n
}

// count adds (delta 1) or removes (delta -1) e's words and phrases from the
// document frequencies; callers hold the write lock.
func (ix *Index) count(e *entry, delta int) {
	for i, w := range e.vocab {
		if delta > 0 {
			// Share one copy of each syllable: the entry's own are slices of
			// its folded text, which would otherwise stay in memory.
			c, ok := ix.intern[w]
			if !ok {
				c = strings.Clone(w)
				ix.intern[c] = c
			}
			e.vocab[i] = c
		}
		if addCount(ix.vocab, w, delta) == 0 {
			delete(ix.intern, w)
		}
	}
	// Two-syllable sequences are only counted: they are not kept per entry
	// once counted, and are recomputed from the text to be uncounted.
	bigrams := e.bigrams
	if bigrams == nil {
		e.eachBigram(func(b string) { bigrams = append(bigrams, b) })
	}
	for _, b := range bigrams {
		addCount(ix.bigrams, b, delta)
	}
	e.bigrams = nil
	ix.units.count(e, delta)
	if e.p.IsOfficial() {
		return
	}
	ix.cur.n += delta
	ix.cur.vocabN += delta
	// The syllables the guides write with their marks (what rephone may
	// repair into); recomputed from the text to be uncounted.
	seen := map[string]bool{}
	e.eachMarkedLine(func(toks []string) {
		for i, t := range toks {
			if !seen[t] {
				seen[t] = true
				addCount(ix.marked, t, delta)
			}
			if i > 0 {
				if b := toks[i-1] + " " + t; !seen[b] {
					seen[b] = true
					addCount(ix.marked, b, delta)
				}
			}
		}
	})
	for _, n := range names(&e.p) {
		k := vntext.Key(n)
		if delta > 0 {
			if ix.names[k] == nil {
				ix.names[k] = map[string]bool{}
			}
			ix.names[k][e.p.ID] = true
		} else if ix.names[k] != nil {
			delete(ix.names[k], e.p.ID)
			if len(ix.names[k]) == 0 {
				delete(ix.names, k)
			}
		}
	}
	for w := range e.words {
		addCount(ix.cur.df, w, delta)
	}
	for p := range e.pairs {
		addCount(ix.cur.pairDF, p, delta)
	}
	for _, w := range e.vocab {
		addCount(ix.cur.vocab, w, delta)
	}
	for _, c := range append([]string{e.p.Code}, e.p.NationalCodes...) {
		if c == "" {
			continue
		}
		if delta > 0 {
			if ix.codes[c] == nil {
				ix.codes[c] = map[string]bool{}
			}
			ix.codes[c][e.p.ID] = true
		} else if ix.codes[c] != nil {
			delete(ix.codes[c], e.p.ID)
			if len(ix.codes[c]) == 0 {
				delete(ix.codes, c)
			}
		}
	}
}

// bestOther is the best score among the hits other than i that compete with
// it: for a curated guide, the other curated guides (official records are the
// long tail behind the guides); for an official record, every other hit (hits
// hold one record per family: see firstOfFamily). Callers hold a lock.
func (ix *Index) bestOther(hits []bot.SearchHit, i int) float64 {
	curated := !ix.isOfficial(hits[i].ID)
	for j, h := range hits {
		if j == i || (curated && ix.isOfficial(h.ID)) || h.Evidence.Excluded || (!curated && vetoed(h.Evidence)) {
			// A guide the question says it is not about is no rival; for an
			// official record, neither is a guide about none of what the
			// question names that the guides do not cover.
			continue
		}
		if thingOfAction(h.Evidence, hits[i].Evidence) {
			// Named only by the thing of the action hits[i] is named by
			// ("sổ đỏ" in "sang tên sổ đỏ"): no rival to it.
			continue
		}
		return h.Score // hits are sorted: the first competitor is the best
	}
	return 0
}

// bestRecord returns the score of the best official record other than
// hits[i] that the question does not say it is not about, 0 if none; callers
// hold a lock.
func (ix *Index) bestRecord(hits []bot.SearchHit, i int) float64 {
	for j, h := range hits {
		if j != i && ix.isOfficial(h.ID) && !vetoed(h.Evidence) {
			return h.Score // hits are sorted: the first competitor is the best
		}
	}
	return 0
}

// namesRecord reports whether a question names an official record closely
// enough to weigh it against other records only (see Index.search): a run of
// three syllables or more of its names stands in the question ("giấy phép
// bán lẻ rượu", "khôi phục mã số thuế") and its text uses nearly every word
// of the question (recordResidual). A record that shares a two-syllable
// phrase ("chuyển trường" of a lower-secondary transfer asked about a
// university) or leaves much of the question unexplained ("thay đổi người
// đại diện" beside the founding of a company) still competes with the guides.
func namesRecord(ev bot.Evidence) bool {
	return ev.Anchor >= 3 && ev.Residual < recordResidual && !vetoed(ev)
}

// firstOfFamily keeps, of the official records of one family (see
// recordFamily), the best ranked: the others are the same procedure at
// another level or agency, ordered by officialWeight, or another action on
// the same thing that the question named less well (familyFit). They are no
// rivals to it, and offered beside it would only make the bot ask between
// them.
// Callers hold a lock.
func (ix *Index) firstOfFamily(hits []bot.SearchHit) []bot.SearchHit {
	seen := map[string]bool{}
	out := hits[:0]
	for _, h := range hits {
		if e := ix.procs[h.ID]; e != nil && e.p.IsOfficial() {
			if seen[e.fam.thing] {
				continue
			}
			seen[e.fam.thing] = true
		}
		out = append(out, h)
	}
	return out
}

func (ix *Index) isOfficial(id string) bool {
	e := ix.procs[id]
	return e != nil && e.p.IsOfficial()
}

// curatedFirst replaces each official record that a curated guide explains by
// that guide (dropping it when the guide is ranked itself): the guide is the
// answer, and the record stays reachable from it. Callers hold a lock.
//
// replaced holds the ids of the guides that stand in for a record (the first
// hit of that id is the record's).
func (ix *Index) curatedFirst(hits []bot.SearchHit) (out []bot.SearchHit, replaced map[string]bool) {
	seen, ranked := map[string]bool{}, map[string]bool{}
	for _, h := range hits {
		ranked[h.ID] = true
	}
	out = hits[:0]
	for _, h := range hits {
		stands := false
		if e := ix.procs[h.ID]; e != nil && e.p.IsOfficial() {
			owners := ix.codes[e.p.NationalCode]
			if len(owners) == 0 {
				owners = ix.names[vntext.Key(e.p.Title)]
			}
			if g := ix.procs[firstKey(owners)]; g != nil && ranked[g.p.ID] {
				// The guide is ranked on its own, with the evidence of its
				// own words: that hit stands for the record.
				continue
			} else if g != nil {
				h.ID, h.Title, h.Field, h.Snippet, h.Official = g.p.ID, g.p.Title, g.p.Field, "", false
				stands = true
			}
		}
		if seen[h.ID] {
			continue
		}
		seen[h.ID] = true
		if stands {
			if replaced == nil {
				replaced = map[string]bool{}
			}
			replaced[h.ID] = true
		}
		out = append(out, h)
	}
	return out, replaced
}

// firstKey is the smallest key of a set ("" when empty).
func firstKey(m map[string]bool) string {
	best := ""
	for k := range m {
		if best == "" || k < best {
			best = k
		}
	}
	return best
}

// OfficialID is the id an imported official record with this national code has
// (tthc-1-001193 for 1.001193).
func OfficialID(code string) string { return "tthc-" + strings.ReplaceAll(code, ".", "-") }

// CuratedFor returns the curated guide that explains an official national code
// (the first by id when several do).
func (ix *Index) CuratedFor(code string) (string, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	id := firstKey(ix.codes[code])
	return id, id != ""
}

// OfficialFor returns the id of the indexed official record with this
// national code.
func (ix *Index) OfficialFor(code string) (string, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	id := OfficialID(code)
	if e := ix.procs[id]; e != nil && e.p.IsOfficial() {
		return id, true
	}
	return "", false
}

type indexDoc struct {
	NF []string `json:"nf"`
	NS []string `json:"ns"`
	NA []string `json:"na"`
	BF string   `json:"bf"`
}

func names(p *knowledge.Procedure) []string {
	return append([]string{p.Title}, p.Aliases...)
}

func toDoc(p *knowledge.Procedure) indexDoc {
	n := names(p)
	body := p.Field + "\n" + p.SearchText()
	return indexDoc{NF: n, NS: n, NA: n, BF: body}
}

func newEntry(p knowledge.Procedure) *entry {
	e := &entry{p: p, words: map[string]bool{}, named: map[string]bool{}, accented: map[string]bool{}, pairs: map[string]int{}, title: map[string]bool{}}
	for k, n := range names(&p) {
		acc := vntext.Tokens(n)
		seen := map[string]bool{}
		for i, a := range acc {
			f := vntext.Fold(a)
			e.words[f], e.named[f], e.accented[a] = true, true, true
			if i > 0 {
				pair := vntext.Fold(acc[i-1]) + " " + f
				if !seen[pair] {
					seen[pair] = true
					e.pairs[pair]++
					if k == 0 {
						e.title[pair] = true
					}
				}
			}
		}
	}
	for _, a := range vntext.Tokens(p.Field) {
		e.named[vntext.Fold(a)] = true
	}
	for _, a := range vntext.Tokens(p.Field + " " + p.Summary) {
		e.words[vntext.Fold(a)], e.accented[a] = true, true
	}
	for _, n := range names(&p) {
		var toks []string
		all := vntext.Tokens(n)
		for i, t := range all {
			if keepInName(all, i) {
				toks = append(toks, t)
			}
		}
		if len(toks) > 0 {
			e.addName(toks, len(toks))
		}
		if core := coreName(toks); len(core) >= 2 && len(core) < len(toks) {
			e.addName(core, len(toks))
		}
	}
	if p.IsOfficial() {
		// What an official name is about, without its action and qualifier,
		// is the name citizens use: asking for it whole names the record
		// ("chứng chỉ hành nghề dược" of "Thủ tục cấp chứng chỉ hành nghề dược").
		e.fam = recordFamily(p.Title)
		var thing []string
		for _, t := range e.fam.span(vntext.Tokens(p.Title)) {
			if !singleStops[t] {
				thing = append(thing, t)
			}
		}
		if len(thing) >= 2 {
			e.addName(thing, len(thing))
		}
	}
	if !p.IsOfficial() && len(p.Documents) > 0 {
		var b strings.Builder
		b.WriteString(" | ")
		for _, d := range p.Documents {
			for _, a := range vntext.Tokens(d.Name) {
				b.WriteString(vntext.Fold(a) + " ")
			}
			b.WriteString("| ")
		}
		e.papers = b.String()
	}
	e.notAbout, e.aboutOnly = newCues(p.NotAbout), newCues(p.AboutOnly)
	for i, g := range p.Situation {
		if i == 0 || g.Or {
			e.situations = append(e.situations, situation{})
		}
		sit := &e.situations[len(e.situations)-1]
		for _, n := range g.None {
			sit.none = append(sit.none, newCues(strings.Split(n, "/"))...)
		}
		var group []situationThing
		for _, n := range g.Any {
			if names := newCues(strings.Split(n, "/")); len(names) > 0 {
				group = append(group, situationThing{key: strings.Join(names[0].fold, " "), names: names})
			}
		}
		if len(group) > 0 {
			sit.groups = append(sit.groups, group)
		}
	}
	// Sized for the text (a long official record has thousands of syllables);
	// a bigram is looked up in a reused buffer and made a string only once.
	size := len(p.SearchText())/5 + 64
	words, seen := make(map[string]struct{}, size/2), make(map[string]struct{}, size)
	var buf []byte
	e.eachLine(func(toks []string) {
		for i, t := range toks {
			if _, ok := words[t]; !ok {
				words[t] = struct{}{}
				e.vocab = append(e.vocab, t)
			}
			if i > 0 {
				buf = append(append(append(buf[:0], toks[i-1]...), ' '), t...)
				if _, ok := seen[string(buf)]; !ok {
					b := string(buf)
					seen[b] = struct{}{}
					e.bigrams = append(e.bigrams, b)
				}
			}
		}
	})
	sort.Strings(e.vocab)
	return e
}

// addName adds toks (lower case, as written) to the names matched as runs;
// a match of all of them counts as fitLen syllables' worth of NameFit.
func (e *entry) addName(toks []string, fitLen int) {
	ni := int32(len(e.nameToks))
	e.nameToks = append(e.nameToks, toks)
	e.nameLen = append(e.nameLen, fitLen)
	fold := make([]string, len(toks))
	if e.nameAt == nil {
		e.nameAt = map[string][]namePos{}
	}
	for i, t := range toks {
		fold[i] = vntext.Fold(t)
		e.nameAt[fold[i]] = append(e.nameAt[fold[i]], namePos{name: ni, at: int32(i)})
	}
	e.nameFold = append(e.nameFold, fold)
	action := 0
	for _, a := range nameActions {
		if len(fold) >= len(a)+2 && slices.Equal(fold[:len(a)], a) {
			action = len(a)
			break
		}
	}
	e.actionN = append(e.actionN, action)
}

// namePos is a place in one of an entry's names.
type namePos struct{ name, at int32 }

// nameVerbs open many procedures' names without saying which: citizens name
// "khai sinh", "căn cước", "kết hôn" and leave them out.
var nameVerbs = [][]string{{"đăng", "ký"}, {"cấp"}, {"làm"}, {"xin"}, {"thủ", "tục"}, {"giải", "quyết"}}

// coreName is a name without its opening verb and classifier noun ("đăng ký
// khai sinh" → "khai sinh", "cấp thẻ căn cước" → "căn cước"), or the name
// itself when it has none.
func coreName(toks []string) []string {
	for _, v := range nameVerbs {
		if len(toks) > len(v) && slices.Equal(toks[:len(v)], v) {
			toks = toks[len(v):]
			break
		}
	}
	if len(toks) > 2 && classifiers[vntext.Fold(toks[0])] {
		toks = toks[1:]
	}
	return toks
}

// eachLine calls f with the folded syllables of each line of e's text.
func (e *entry) eachLine(f func(toks []string)) { e.eachLineAs(vntext.FoldedTokens, f) }

// eachMarkedLine calls f with the lower-case syllables, marks kept, of each
// line of e's text.
func (e *entry) eachMarkedLine(f func(toks []string)) { e.eachLineAs(vntext.Tokens, f) }

// eachLineAs calls f with each line of e's text as tokenize splits it. The
// text is the procedure's names, field, searchable text, agency, time, fees
// and conditions.
func (e *entry) eachLineAs(tokenize func(string) []string, f func(toks []string)) {
	p := &e.p
	for _, text := range append(names(p), p.Field, p.SearchText(), p.Agency, p.ProcessingTime, p.Fees.Text, p.Conditions) {
		for _, line := range strings.Split(text, "\n") {
			f(tokenize(line))
		}
	}
}

// eachBigram calls f once with each folded two-syllable sequence of e's text.
func (e *entry) eachBigram(f func(b string)) {
	seen := map[string]bool{}
	e.eachLine(func(toks []string) {
		for i := 1; i < len(toks); i++ {
			if b := toks[i-1] + " " + toks[i]; !seen[b] {
				seen[b] = true
				f(b)
			}
		}
	})
}

// uses reports whether any of e's text uses the folded syllable.
func (e *entry) uses(f string) bool {
	i := sort.SearchStrings(e.vocab, f)
	return i < len(e.vocab) && e.vocab[i] == f
}

// Replace indexes exactly procs, dropping anything indexed before: fresh
// indexes are built and take the old ones' place (a failure leaves the old
// ones in use).
func (ix *Index) Replace(procs []knowledge.Procedure) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.wordsGen.Add(1)
	guides, records, err := openPair(ix.mapping)
	if err != nil {
		return err
	}
	if err := fill(guides, records, procs, ix); err != nil {
		guides.Close()
		records.Close()
		return err
	}
	ix.guides.Close()
	ix.records.Close()
	ix.guides, ix.records = guides, records
	ix.version++ // a compaction under way is stale
	ix.loose = 0
	return nil
}

// fill indexes procs into guides and records (by kind) and makes them ix's
// entries; callers hold the write lock.
func fill(guides, records bleve.Index, procs []knowledge.Procedure, ix *Index) error {
	bg, br := guides.NewBatch(), records.NewBatch()
	flush := func(to bleve.Index, b *bleve.Batch, min int) error {
		if b.Size() < min {
			return nil
		}
		if err := to.Batch(b); err != nil {
			return fmt.Errorf("search: batch: %w", err)
		}
		b.Reset()
		return nil
	}
	entries := make(map[string]*entry, len(procs))
	bigrams := map[string]int{}
	prepared := prepareEntries(procs)
	defer func() {
		for range prepared { // drain, so the preparing goroutines end
		}
	}()
	for chunk := range prepared {
		for _, e := range chunk {
			entries[e.p.ID] = e
			// Counted now, so that no entry's list outlives its turn.
			for _, b := range e.bigrams {
				bigrams[b]++
			}
			e.bigrams = []string{} // counted: count adds nothing more
			to, b := guides, bg
			if e.p.IsOfficial() {
				to, b = records, br
			}
			if err := b.Index(e.p.ID, toDoc(&e.p)); err != nil {
				return fmt.Errorf("search: index %s: %w", e.p.ID, err)
			}
			// Smaller batches keep the peak memory of a large rebuild low.
			if err := flush(to, b, replaceBatch); err != nil {
				return err
			}
		}
	}
	if err := flush(guides, bg, 1); err != nil {
		return err
	}
	if err := flush(records, br, 1); err != nil {
		return err
	}
	ix.procs = entries
	ix.vocab, ix.bigrams, ix.intern = map[string]int{}, bigrams, map[string]string{}
	ix.codes = map[string]map[string]bool{}
	ix.cur = newStats()
	ix.units = newUnitStats()
	ix.names = map[string]map[string]bool{}
	for _, e := range entries {
		ix.count(e, 1)
	}
	return nil
}

// prepareEntries makes the entries of procs in chunks of replaceBatch, in
// order, on all processors, while the caller indexes the previous chunk: a
// rebuild's own text analysis overlaps bleve's. The channel is closed after
// the last chunk.
func prepareEntries(procs []knowledge.Procedure) <-chan []*entry {
	out := make(chan []*entry, 1)
	go func() {
		defer close(out)
		workers := max(runtime.GOMAXPROCS(0), 1)
		for start := 0; start < len(procs); start += replaceBatch {
			chunk := make([]*entry, min(replaceBatch, len(procs)-start))
			var wg sync.WaitGroup
			for w := 0; w < workers; w++ {
				wg.Add(1)
				go func(w int) {
					defer wg.Done()
					for i := w; i < len(chunk); i += workers {
						chunk[i] = newEntry(procs[start+i])
					}
				}(w)
			}
			wg.Wait()
			out <- chunk
		}
	}()
	return out
}

// Upsert adds or replaces one procedure; it is searchable when Upsert returns.
func (ix *Index) Upsert(p knowledge.Procedure) error {
	e := newEntry(p)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.wordsGen.Add(1)
	if err := ix.bleveFor(e).Index(p.ID, toDoc(&e.p)); err != nil {
		return fmt.Errorf("search: index %s: %w", p.ID, err)
	}
	if old := ix.procs[p.ID]; old != nil {
		if old.p.IsOfficial() != e.p.IsOfficial() {
			if err := ix.bleveFor(old).Delete(p.ID); err != nil {
				return fmt.Errorf("search: delete %s: %w", p.ID, err)
			}
		}
		ix.count(old, -1)
	}
	ix.count(e, 1)
	ix.procs[p.ID] = e
	ix.wrote()
	return nil
}

// Delete removes a procedure from answers. Deleting an unknown id is not an error.
func (ix *Index) Delete(id string) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.wordsGen.Add(1)
	old := ix.procs[id]
	if old == nil {
		return nil
	}
	if err := ix.bleveFor(old).Delete(id); err != nil {
		return fmt.Errorf("search: delete %s: %w", id, err)
	}
	ix.count(old, -1)
	delete(ix.procs, id)
	ix.wrote()
	return nil
}

// Len is the number of procedures indexed.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.procs)
}

// Procedure returns an indexed procedure, or an error wrapping bot.ErrNotFound.
func (ix *Index) Procedure(_ context.Context, id string) (knowledge.Procedure, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if e := ix.procs[id]; e != nil {
		return e.p, nil
	}
	return knowledge.Procedure{}, fmt.Errorf("procedure %q: %w", id, bot.ErrNotFound)
}

// All returns every indexed procedure, sorted by id.
func (ix *Index) All() []knowledge.Procedure {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	out := make([]knowledge.Procedure, 0, len(ix.procs))
	for _, e := range ix.procs {
		out = append(out, e.p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// replaceBatch is how many documents one index batch holds during a rebuild.
// Each batch is a segment every search visits (scorch does not merge them in
// memory): at 5,000 procedures, batches of 500 made search p99 11-13 ms, one
// batch 7.6-7.9 ms, for about 15% more peak memory while building.
const replaceBatch = 5000

// officialWeight ranks official records below curated guides (written for
// citizens) and, among records of one name, the level a citizen deals with
// first: the commune, then the province, then the ministry.
func officialWeight(level string) float64 {
	l := vntext.Fold(level)
	switch {
	case strings.Contains(l, "xa"):
		return 0.85
	case strings.Contains(l, "tinh"):
		return 0.8
	default:
		return 0.75
	}
}

// Re-ranking: how many BM25 hits are re-scored by coverage, and the share of the
// BM25 score kept for a hit that explains nothing of the question.
//
// rerankDepth 20 ranks every question set and the catalogue evaluation exactly
// as 50 did (measured 2026-12-02), for 13–20% less time per search: hits
// below BM25's twentieth never reached the top after re-scoring.
//
// nameFitFloor is the share kept by a hit none of whose names the question
// contains as a run of two syllables or more: among procedures sharing words,
// the one whose whole name is asked about comes first.
//
// coverageFloor 0.2 (0.35 before 2026-12-02): a guide that explains every word
// of "sap nhap tinh thi so do co phai doi ko" comes before the land guides that
// share only "sổ đỏ" however often their names repeat it. On the tuning sets
// it answered 17 more questions right with no wrong answer more (0.1 and 0
// answered a few more and more wrongly); frozen sets: one more right, one
// wrong fewer.
const (
	nameFitFloor  = 0.5
	rerankDepth   = 20
	coverageFloor = 0.2
)

// Field boosts: names (title + aliases) count far more than the body.
const (
	boostNamesFolded  = 3.0
	boostNamesShingle = 4.0
	boostNamesAccent  = 1.5
	boostBodyFolded   = 0.6
	boostExpansion    = 0.9
)

func match(text, field, analyzer string, boost float64) query.Query {
	q := bleve.NewMatchQuery(text)
	q.SetField(field)
	q.Analyzer = analyzer
	q.SetBoost(boost)
	return q
}

// Search ranks procedures for a question. limit is clamped to 1..50. The result
// carries, per hit, the BM25 score and the weighted share of the question's
// content words the procedure explains (coverage), plus a confidence verdict.
func (ix *Index) Search(ctx context.Context, q string, limit int) (bot.SearchResult, error) {
	return ix.search(ctx, q, "", limit, true)
}

// SearchWithin ranks like Search for part, a clause of message, with the
// subject matter a guide is limited to (Procedure.AboutOnly) read in the
// whole message (see bot.Searcher).
func (ix *Index) SearchWithin(ctx context.Context, part, message string, limit int) (bot.SearchResult, error) {
	return ix.search(ctx, part, message, limit, true)
}

// Ranker is the index as the dialogue engine's bot.Searcher: the same ranking
// and confidence as Search, without the snippets only search pages show.
type Ranker struct{ ix *Index }

// Ranker returns the index as a bot.Searcher without snippets.
func (ix *Index) Ranker() Ranker { return Ranker{ix} }

// Search ranks like Index.Search and leaves Snippet empty.
func (r Ranker) Search(ctx context.Context, q string, limit int) (bot.SearchResult, error) {
	return r.ix.search(ctx, q, "", limit, false)
}

// SearchWithin ranks like Index.SearchWithin and leaves Snippet empty.
func (r Ranker) SearchWithin(ctx context.Context, part, message string, limit int) (bot.SearchResult, error) {
	return r.ix.search(ctx, part, message, limit, false)
}

// search ranks procedures for q. scope, when not empty, is the message q is a
// part of: the subject matter a guide is limited to may be named anywhere in
// it (entry.outsideScope).
func (ix *Index) search(ctx context.Context, q, scope string, limit int, snippets bool) (bot.SearchResult, error) {
	if limit <= 0 {
		limit = 10
	}
	limit = min(limit, 50)
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	normalized, qtoks, qfolds := ix.read(q)
	pl := analyze(normalized, ix.exp, ix.knownPhrase)
	res := bot.SearchResult{Query: pl.foldedText()}
	// The scope's words are read once, and only when a guide limited to a
	// subject matter (Procedure.AboutOnly) is among the hits.
	var stoks, sfolds []string
	scopeRead := false
	scopeWords := func() ([]string, []string) {
		if !scopeRead {
			stoks, sfolds, scopeRead = qtoks, qfolds, true
			if scope != "" && scope != q {
				_, stoks, sfolds = ix.read(scope)
			}
		}
		return stoks, sfolds
	}
	off, notCovered := ix.offTopicPhrases(q, qtoks, qfolds)
	if len(pl.content) == 0 {
		return res, nil
	}
	folded := pl.foldedText()
	qs := []query.Query{match(folded, fieldNamesFolded, analyzerFolded, boostNamesFolded)}
	if body := ix.selectiveText(pl); body != "" {
		qs = append(qs, match(body, fieldBodyFolded, analyzerFolded, boostBodyFolded))
	}
	if len(pl.content) > 1 {
		qs = append(qs, match(folded, fieldNamesShingle, analyzerShingle, boostNamesShingle))
	}
	if acc := pl.accentText(); acc != "" {
		qs = append(qs, match(acc, fieldNamesAccent, analyzerAccent, boostNamesAccent))
	}
	for _, e := range pl.expAcc {
		qs = append(qs, match(e, fieldNamesFolded, analyzerFolded, boostExpansion*boostNamesFolded))
		if len(vntext.FoldedTokens(e)) > 1 {
			qs = append(qs, match(e, fieldNamesShingle, analyzerShingle, boostExpansion*boostNamesShingle))
		}
	}
	// The best guides and the best records, each ranked in its own index.
	var found []*bsearch.DocumentMatch
	for _, part := range []struct {
		idx bleve.Index
		n   int
	}{{ix.guides, ix.cur.n}, {ix.records, len(ix.procs) - ix.cur.n}} {
		if part.n == 0 {
			continue
		}
		req := bleve.NewSearchRequestOptions(bleve.NewDisjunctionQuery(qs...), max(limit, rerankDepth), 0, false)
		sr, err := part.idx.SearchInContext(ctx, req)
		if err != nil {
			return res, fmt.Errorf("search: %w", err)
		}
		found = append(found, sr.Hits...)
	}

	// What depends only on the question and the statistics is computed once:
	// curated guides and official records are weighed with their own.
	variants, actions := anchorVariants(pl), twoWordActions(pl)
	var curW, offW []float64
	var offSt *stats
	var covs []cov
	for _, h := range found {
		e := ix.procs[h.ID]
		if e == nil {
			continue
		}
		var st *stats
		var weights []float64
		if e.p.IsOfficial() {
			if offSt == nil {
				offSt = ix.statsFor(e)
				offW = offSt.weights(pl)
			}
			st, weights = offSt, offW
		} else {
			if curW == nil {
				curW = ix.cur.weights(pl)
			}
			st, weights = &ix.cur, curW
		}
		c := st.coverage(pl, e, weights)
		ev := ix.evidence(pl, e, st, weights, variants, actions)
		ev.Coverage, ev.RarePhrase, ev.Words = c.all, c.strongPair, len(pl.content)
		ev.Situation = e.inSituation(qtoks, qfolds)
		for _, f := range off {
			var about bool
			if e.p.IsOfficial() {
				about = ix.recordMentions(e, f.fold)
			} else {
				about = e.mentions(f.fold) || slices.ContainsFunc(f.named, e.mentions) || ev.Situation && e.situationNames(f.fold)
				if f.marked != nil {
					about = e.namesMarked(f.marked)
				}
			}
			if !about {
				ev.OffTopic = true
				// What is asked is not what the procedure answers, however
				// whole the question names it.
				ev.Excluded = ev.Excluded || f.asks
			}
		}
		if e.namedNotAbout(qtoks, qfolds) {
			ev.Excluded = true
		} else if len(e.aboutOnly) > 0 {
			st, sf := scopeWords()
			ev.Excluded = ev.Excluded || e.outsideScope(st, sf, pl)
		}
		res.Hits = append(res.Hits, bot.SearchHit{
			ID: h.ID, Title: e.p.Title, Field: e.p.Field, Score: h.Score, Coverage: c.all, PhraseMatch: c.pair,
			Evidence: ev, Official: e.p.IsOfficial(),
		})
		covs = append(covs, c)
	}
	subsumeNames(res.Hits)
	for i := range res.Hits {
		ev := &res.Hits[i].Evidence
		for k := ev.NameLo; k < ev.NameHi && k < len(actions); k++ {
			if actions[k] != "" && !commonActions[actions[k]] {
				ev.ActionAt = k + 1
				break
			}
		}
		// A one-word action opening the run the hit names whole ("đổi" of
		// "đổi bằng lái ô tô") is the hit's own: what follows it is its thing.
		if k := ev.NameLo; ev.ActionAt == 0 && ev.NameFit >= 0.99 && ev.NameHi-ev.NameLo >= 2 && k < len(pl.content) &&
			pl.content[k].exp == 0 && oneWordActions[pl.content[k].fold] {
			ev.ActionAt = k + 1
		}
	}
	// Re-rank by how much of the question each procedure explains: BM25 alone lets
	// a procedure that mentions a phrase in passing beat the one that is about it.
	// Only words some procedure uses count here: unknown words cannot tell
	// procedures apart.
	asked := make(map[string]bool, len(qfolds))
	for _, f := range qfolds {
		asked[f] = true
	}
	order := make([]int, len(res.Hits))
	for i := range res.Hits {
		order[i] = i
		res.Hits[i].Score *= (coverageFloor + (1-coverageFloor)*covs[i].known) * (nameFitFloor + (1-nameFitFloor)*res.Hits[i].Evidence.NameFit)
		if e := ix.procs[res.Hits[i].ID]; e != nil && e.p.IsOfficial() {
			res.Hits[i].Score *= officialWeight(e.p.Level) * familyFit(e.fam, asked)
		}
	}
	sort.SliceStable(order, func(a, b int) bool { return res.Hits[order[a]].Score > res.Hits[order[b]].Score })
	hits := make([]bot.SearchHit, len(order))
	for i, k := range order {
		hits[i] = res.Hits[k]
	}
	var replaced map[string]bool
	res.Hits, replaced = ix.curatedFirst(ix.firstOfFamily(hits))
	situationFirst(res.Hits)
	// Confidence for every hit re-ranked, not only those returned: a hit
	// below the limit may move to the front (the first guide; the first one
	// the question does not veto, when every hit above it is vetoed: "giấy
	// phép bán lẻ rượu" for a grocery names the record, and every guide of a
	// household business the question shares words with is off its topic).
	for i := range res.Hits {
		h := &res.Hits[i]
		other := ix.bestOther(res.Hits, i)
		if h.Score > 0 {
			h.Evidence.Margin = (h.Score - other) / h.Score
		}
		h.Confidence = ix.model.Probability(h.Evidence)
		if h.Official && namesRecord(h.Evidence) {
			h.Evidence.Closely = true
			// Guides and records are scored in indexes of their own: a
			// record the question names closely is weighed against the
			// other records only.
			among := h.Evidence
			if h.Score > 0 {
				among.Margin = (h.Score - ix.bestRecord(res.Hits, i)) / h.Score
			}
			h.Confidence = max(h.Confidence, ix.model.Probability(among))
		}
		alone := h.Evidence
		alone.Margin = 0
		h.Plausibility = ix.model.Probability(alone)
	}
	// A hit the question says it is not about (vetoed, see Model.Probability)
	// gives the first place to the next one that is not vetoed, when that one
	// is the more likely answer.
	if len(res.Hits) > 1 && vetoed(res.Hits[0].Evidence) {
		for i := 1; i < len(res.Hits); i++ {
			if h := res.Hits[i]; !vetoed(h.Evidence) {
				if h.Confidence <= res.Hits[0].Confidence {
					break
				}
				putFirst(res.Hits, i, h)
				break
			}
		}
	}
	// A hit the model trusts, explaining at least as much of the question and
	// named at least as closely, comes before a first hit it does not trust
	// ("đóng bhxh 18 năm có được hưởng lương hưu không": the voluntary
	// insurance is named only by what it shares with the pension).
	if len(res.Hits) > 1 && res.Hits[0].Confidence < ix.threshold {
		first := res.Hits[0].Evidence
		for i := 1; i < len(res.Hits) && i < min(limit, 3); i++ {
			h := res.Hits[i]
			if ev := h.Evidence; h.Confidence >= ix.threshold && h.Confidence >= res.Hits[0].Confidence+promoteGap && !vetoed(ev) && ev.Coverage >= first.Coverage && ev.NameFit >= first.NameFit {
				putFirst(res.Hits, i, h)
				break
			}
		}
	}
	// An official record the search trusts comes before a first guide it
	// does not trust when the record is the more plausible answer on its own
	// evidence: the question names the long-tail procedure ("giấy phép bán
	// lẻ rượu") and shares only a word or two with the guide ("hộ kinh
	// doanh"). Guides and records are scored in indexes of their own, so
	// their scores do not rank one against the other.
	if len(res.Hits) > 1 && !ix.isOfficial(res.Hits[0].ID) && res.Hits[0].Confidence < ix.threshold {
		for i := 1; i < len(res.Hits) && i < min(limit, 3); i++ {
			if h := res.Hits[i]; ix.isOfficial(h.ID) && h.Confidence >= ix.threshold && h.Evidence.Closely &&
				h.Plausibility > res.Hits[0].Plausibility+recordLead {
				putFirst(res.Hits, i, h)
				break
			}
		}
	}
	// Curated guides are the first answer: a confident guide comes before any
	// official record ranked above it.
	for i, h := range res.Hits {
		if ix.isOfficial(h.ID) {
			continue
		}
		if i > 0 && h.Confidence >= ix.threshold && !namedWhole(res.Hits[0], h) && !surer(res.Hits[0], h) {
			putFirst(res.Hits, i, h)
		}
		break
	}
	if len(res.Hits) > 0 {
		res.Confident = ix.answerable(res.Hits[0]) && !ix.recordMoreLikely(res.Hits, limit)
		if res.Hits[0].Evidence.OffTopic {
			res.NotCovered = notCovered
		}
	} else {
		res.NotCovered = notCovered
	}
	if len(res.Hits) > limit {
		res.Hits = res.Hits[:limit]
	}
	// Snippets only for the hits returned; a guide standing in for an official
	// record it explains has none.
	for i := range res.Hits {
		h := &res.Hits[i]
		if e := ix.procs[h.ID]; e != nil && !replaced[h.ID] && snippets {
			h.Snippet = snippet(e.p, pl)
		}
	}
	return res, nil
}

// commonShare: in an index of at least selectiveFrom procedures, a word used
// by more than this share of them is left out of the body query. It adds
// almost nothing to a BM25 score and makes the search visit nearly every
// document ("giấy", "đăng ký" in a large catalogue).
const (
	commonShare   = 0.4
	selectiveFrom = 200
)

// selectiveText is the folded question without the words most procedures'
// text uses, for the body query; callers hold a lock.
func (ix *Index) selectiveText(pl plan) string {
	if len(ix.procs) < selectiveFrom {
		return pl.foldedText()
	}
	limit := commonShare * float64(len(ix.procs))
	var parts []string
	for _, t := range pl.content {
		if float64(ix.vocab[t.fold]) <= limit {
			parts = append(parts, t.fold)
		}
	}
	return strings.Join(parts, " ")
}

// weights gives each content token an IDF weight over names and summaries;
// expansion terms and unknown words weigh the most.
func (st *stats) weights(pl plan) []float64 {
	n := float64(st.n)
	w := make([]float64, len(pl.content))
	for i, t := range pl.content {
		if t.exp > 0 {
			w[i] = math.Log((n + 1) / 0.5)
		} else {
			w[i] = math.Log((n + 1) / (float64(st.df[t.fold]) + 0.5))
		}
		if t.story() {
			w[i] *= storyShare
		}
	}
	return w
}

// cov is how well one procedure explains a question.
type cov struct {
	all        float64 // weighted share of the question's content words it explains
	known      float64 // the same over words some procedure uses
	pair       bool    // a two-syllable phrase of the question is in its names
	strongPair bool    // ... and that phrase is used by few procedures
}

// A phrase of a procedure's title (or of two of its names) used by at most this
// many procedures' names is strong evidence.
const strongPairDF = 4

// coverage measures how much of the question e explains: a word typed with
// other diacritics counts little; an abbreviation counts
// when its expansion matches.
func (st *stats) coverage(pl plan, e *entry, w []float64) cov {
	var c cov
	var got, total, gotKnown, totalKnown float64
	for i, t := range pl.content {
		if t.exp == 0 && isNumber(t.fold) && !e.uses(t.fold) && !(i > 0 && e.namesOtherNumber(pl.content[i-1].fold, t.fold)) {
			continue // a detail of the case (see evidence)
		}
		m := 0.0
		switch {
		case t.exp > 0:
			if e.words[t.fold] {
				m = 1
			}
			for _, x := range pl.expanded(t) {
				if e.hasAll(x) {
					m = 1
				}
			}
		case e.words[t.fold] && !e.accentsMatch(t):
			m = accentMismatchCredit
		case e.words[t.fold]:
			m = 1
			if !e.named[t.fold] {
				m = summaryCredit // context, not what the procedure is called
			}
		}
		got += w[i] * m
		total += w[i]
		if t.exp > 0 || st.df[t.fold] > 0 {
			gotKnown += w[i] * m
			totalKnown += w[i]
		}
		if i > 0 && e.accentsMatch(pl.content[i-1]) && e.accentsMatch(t) {
			p := pl.content[i-1].fold + " " + t.fold
			if n := e.pairs[p]; n > 0 {
				c.pair = true
				if e.title[p] && st.pairDF[p] <= strongPairDF {
					c.strongPair = true
				}
			}
		}
	}
	for _, x := range pl.expansions {
		if len(x) > 1 && e.hasPhrase(x) {
			c.pair = true
		}
	}
	if total > 0 {
		c.all = got / total
	}
	if totalKnown > 0 {
		c.known = gotKnown / totalKnown
	}
	return c
}

// evidence weighs what the question's own words say for and against e;
// actions are the question's two-word actions (twoWordActions). Callers hold a
// lock.
func (ix *Index) evidence(pl plan, e *entry, st *stats, w []float64, variants [][]qtoken, actions []string) bot.Evidence {
	var ev bot.Evidence
	var named, total, resid, rtotal float64
	n := float64(st.vocabN)
	for i, t := range pl.content {
		total += w[i]
		// A word's weight as evidence of another subject falls with how many
		// procedures use it anywhere: "tuần", "con" say little, "visa" much.
		rw := math.Log((n + 1) / (float64(st.vocab[t.fold]) + 0.5))
		if t.story() {
			rw *= storyWeight
		}
		rtotal += rw
		if t.exp > 0 {
			// The term stands for each phrase it expands to: one the names
			// use names the procedure; one its text uses is no other subject.
			nameIt, useIt := false, false
			for _, x := range pl.expanded(t) {
				nameIt = nameIt || e.namesPhrase(x)
				useIt = useIt || e.hasAll(x)
			}
			// Its own words may stand in a name too ("sang tên sổ đỏ"):
			// they are named, though not a name of their own.
			if !nameIt && e.namesPhrase(pl.termAt(i)) {
				named += w[i]
				continue
			}
			if nameIt {
				named += w[i]
				ev.Anchor = max(ev.Anchor, 2)
				ev.FullName = true
				ev.NameFit = max(ev.NameFit, 0.5)
			} else if !useIt {
				resid += rw
			}
			continue
		}
		switch {
		case e.named[t.fold] && e.accentsMatch(t) && (actions[i] == "" || e.pairs[actions[i]] > 0):
			named += w[i]
		case e.uses(t.fold):
		case isNumber(t.fold) && !(i > 0 && e.namesOtherNumber(pl.content[i-1].fold, t.fold)):
			// An amount, a year or a size ("1990", "100m2") the text does not
			// use is a detail of the citizen's case, not another subject;
			// unless the names number that very thing otherwise ("lớp 9"
			// against "lớp 1, lớp 6").
			rtotal -= rw
			total -= w[i]
		case st.vocab[t.fold] == 0:
			ev.Unknown++
			resid += rw
		default:
			if st.df[t.fold] > 0 {
				ev.Foreign++
			}
			resid += rw
		}
	}
	if total > 0 {
		ev.NameCoverage = named / total
	}
	if rtotal > 0 {
		ev.Residual = resid / rtotal
	}
	for _, q := range variants {
		st.matchNames(q, e, &ev)
		e.matchTopicalized(q, &ev)
	}
	return ev
}

// nameActions open names that say what is done to a thing ("gia hạn tạm
// trú", "sang tên xe máy"); citizens often name the thing first and the
// action after it ("tạm trú sắp hết hạn thì gia hạn thế nào"). Names are
// kept without question words, so "làm lại" is not one of them.
var nameActions = [][]string{
	{"gia", "han"}, {"cap", "lai"}, {"cap", "doi"}, {"doi"}, {"xoa"}, {"sang", "ten"}, {"tach"},
	{"khai", "bao"}, {"dang", "ky"}, {"rut"}, {"nop"}, {"khoa"}, {"mo", "khoa"}, {"thu", "hoi"}, {"sua"},
}

// commonActions open too many names to set a guide apart when one is named
// whole ("đăng ký", "khai báo"; "nộp" opens the online filing guide's name
// and a dossier of any procedure): they set no Evidence.ActionAt.
var commonActions = map[string]bool{"dang ky": true, "khai bao": true, "nop": true}

// oneWordActions are the actions of nameActions of one syllable, but the
// common ones: each opens a name whole ("đổi bằng lái", "xóa thường trú",
// "tách hộ").
var oneWordActions = func() map[string]bool {
	m := map[string]bool{}
	for _, a := range nameActions {
		if len(a) == 1 && !commonActions[a[0]] {
			m[a[0]] = true
		}
	}
	return m
}()

// subsumedBy reports whether b is named only by a shorter run inside the run
// a names whole (see subsumeNames).
func subsumedBy(b, a bot.Evidence) bool {
	return b.NameHi > b.NameLo && a.NameFit >= 0.99 && !vetoed(a) && a.NameLo <= b.NameLo && b.NameHi <= a.NameHi &&
		b.NameHi-b.NameLo < a.NameHi-a.NameLo
}

// thingOfAction reports whether b is named only by the thing of an action a
// names whole ("sổ đỏ" of "sang tên sổ đỏ", "thẻ bảo hiểm y tế" of "gia hạn
// thẻ bảo hiểm y tế"): b is then no rival to a.
func thingOfAction(b, a bot.Evidence) bool {
	return a.ActionAt > 0 && !a.OffTopic && subsumedBy(b, a) && b.NameLo >= a.ActionAt
}

// subsumeNames lowers the NameFit of a hit whose names read no more of the
// question than a part of a longer run another hit names whole: "sang tên sổ
// đỏ" is a name of the transfer, so its "sổ đỏ" names the certificate's
// re-issue no more than half. A hit the question says it is not about
// subsumes nothing.
func subsumeNames(hits []bot.SearchHit) {
	for i := range hits {
		b := &hits[i].Evidence
		for j := range hits {
			if a := hits[j].Evidence; j != i && subsumedBy(*b, a) {
				b.NameFit = min(b.NameFit, float64(b.NameHi-b.NameLo)/float64(a.NameHi-a.NameLo))
			}
		}
	}
}

// twoWordActions returns, for each content word of the question, the folded
// two-word action of nameActions ("sang tên", "gia hạn", "mở khóa") it is part
// of, or "". A word of one counts as named only by a procedure whose names
// hold the action together: "sang" and "tên" in "đổi sổ đỏ cũ sang mẫu mới"
// and "ghi tên các thành viên" do not name "sang tên sổ đỏ".
func twoWordActions(pl plan) []string {
	out := make([]string, len(pl.content))
	for i := range pl.content {
	actions:
		for _, a := range nameActions {
			if len(a) != 2 {
				continue
			}
			for _, k := range []int{i - 1, i} {
				if k < 0 || k+1 >= len(pl.content) || pl.content[k].exp > 0 || pl.content[k+1].exp > 0 {
					continue
				}
				if pl.content[k].fold == a[0] && pl.content[k+1].fold == a[1] {
					out[i] = a[0] + " " + a[1]
					break actions
				}
			}
		}
	}
	return out
}

// matchTopicalized records in ev a name that opens with one of nameActions
// whose action and thing both stand in q, each whole, the thing first.
func (e *entry) matchTopicalized(q []qtoken, ev *bot.Evidence) {
	for ni, fold := range e.nameFold {
		n := e.actionN[ni]
		if n == 0 {
			continue
		}
		thing := fold[n:]
		at := runAt(q, thing, e.nameToks[ni][n:])
		if at >= 0 && runAt(q[at+len(thing):], fold[:n], e.nameToks[ni][:n]) >= 0 {
			ev.FullName = true
			ev.Anchor = max(ev.Anchor, len(fold))
			ev.NameFit = max(ev.NameFit, float64(len(fold))/float64(e.nameLen[ni]))
		}
	}
}

// runAt returns where fold (written acc) stands whole in q, or -1.
func runAt(q []qtoken, fold, acc []string) int {
	p := phrase{fold: fold, acc: acc}
	for i := range q {
		if p.at(q, i) {
			return i
		}
	}
	return -1
}

// namedWhole reports whether the question names the official record rec by
// its whole title while the guide is only touched ("cấp giấy chứng nhận cơ sở
// an toàn dịch bệnh động vật" is that record, not the food-safety guide).
func namedWhole(rec, guide bot.SearchHit) bool {
	r, g := rec.Evidence, guide.Evidence
	return r.FullName && r.NameFit >= 0.99 && r.Coverage > g.Coverage && !(g.FullName && g.NameFit >= 0.99)
}

// surer reports whether the question names the official record rec, ranked
// above the guide, and the record is the more likely answer: a whole name of
// it stands in the question ("giấy chứng nhận đủ điều kiện kinh doanh dược")
// while the guide shares only part of its words.
func surer(rec, guide bot.SearchHit) bool {
	return rec.Evidence.FullName && rec.Confidence > guide.Confidence && !guide.Evidence.FullName
}

// namesOtherNumber reports whether e's names put a number after the folded
// word prev, and never num: "lớp 1, lớp 6" for "lớp 9". A year is never
// another subject: it dates the citizen's case ("ở từ năm 1990" against a
// name's "trước năm 1993").
func (e *entry) namesOtherNumber(prev, num string) bool {
	if prev == "nam" {
		return false
	}
	if _, ok := e.pairs[prev+" "+num]; ok {
		return false
	}
	for p := range e.pairs {
		if w, n, ok := strings.Cut(p, " "); ok && w == prev && isNumber(n) {
			return true
		}
	}
	return false
}

// isNumber reports whether a folded token starts with a digit.
func isNumber(f string) bool { return f != "" && f[0] >= '0' && f[0] <= '9' }

// matchNames records in ev the longest runs of q that are runs of e's names.
func (st *stats) matchNames(q []qtoken, e *entry, ev *bot.Evidence) {
	for i := range q {
		last := -1
		// The first place in each name where q[i] stands (with its marks)
		// starts the run measured from i in that name.
		for _, p := range e.nameAt[q[i].fold] {
			ni, k := int(p.name), int(p.at)
			name := e.nameToks[ni]
			if ni == last || (q[i].marked && q[i].acc != name[k]) {
				continue
			}
			last = ni
			fold := e.nameFold[ni]
			n := 1
			for k+n < len(name) && i+n < len(q) && q[i+n].is(fold[k+n], name[k+n]) {
				n++
			}
			// A syllable typed with another tone ("hộ chiểu", "giấy phép
			// lái xẻ", as speech recognition gives them) completes a whole
			// name whose other syllables stand as typed; it does not go on
			// to a part of one.
			if k == 0 && k+n == len(name)-1 && i+n < len(q) && q[i+n].near(fold[k+n], name[k+n]) {
				n++
			}
			end := i + n // the question's run is q[i:end]
			if n >= 2 && k+n < len(name) {
				// A name may go on after a few words of the citizen's own
				// ("giấy khai sinh của bé ghi sai" is "giấy khai sinh ghi
				// sai"): its next words, in order, at most nameGap words
				// apart in all.
				qi, gaps := i+n, 0
				for k+n < len(name) && qi < len(q) && gaps <= nameGap {
					if q[qi].is(fold[k+n], name[k+n]) {
						n++
						end = qi + 1
					} else {
						gaps++
					}
					qi++
				}
			}
			if k+n < len(name) && n > 2 && fold[k+n-1] == "the" {
				// A part of a name that ends on "thẻ" leaves out which card
				// it is: "cấp lại thẻ" is the health card, the căn cước or
				// any other.
				n--
			}
			whole := n == len(name) && (n >= 2 || st.df[q[i].fold] <= maxSingleWordDF)
			if n > ev.Anchor {
				ev.Anchor = n
			}
			if fit := float64(n) / float64(e.nameLen[ni]); (n >= 2 || whole) && fit > ev.NameFit {
				ev.NameFit = fit
			}
			// The widest unbroken run says which of the question's words
			// the names read together.
			if lo, hi := q[i].lo, q[end-1].hi; (n >= 2 || whole) && end == i+n && hi-lo > ev.NameHi-ev.NameLo {
				ev.NameLo, ev.NameHi = lo, hi
			}
			if whole {
				ev.FullName = true
			}
		}
	}
}

// classifiers are nouns citizens often leave out before a name ("căn cước"
// for "thẻ căn cước").
var classifiers = map[string]bool{"the": true, "giay": true, "so": true, "bang": true}

// anchorVariants are the readings of the question matched against names: the
// content words with abbreviations expanded, the same without classifier
// nouns, and the words as typed.
func anchorVariants(pl plan) [][]qtoken {
	exp := anchorTokens(pl)
	var bare []qtoken
	for _, t := range exp {
		if !classifiers[t.fold] {
			bare = append(bare, t)
		}
	}
	// A reading equal to one already listed would only find the same runs.
	out := [][]qtoken{exp}
	if len(bare) < len(exp) {
		out = append(out, bare)
	}
	if len(pl.expansions) > 0 {
		typed := make([]qtoken, len(pl.content))
		for i, t := range pl.content {
			t.lo, t.hi = i, i+1
			typed[i] = t
		}
		out = append(out, typed)
	}
	return out
}

// anchorTokens are the question's content words with each abbreviation or old
// term replaced by what it stands for ("làm lại cccd" → "lại thẻ căn cước"), so
// that names can be matched as runs.
func anchorTokens(pl plan) []qtoken {
	var out []qtoken
	for i, t := range pl.content {
		if t.exp == 0 {
			t.lo, t.hi = i, i+1
			out = append(out, t)
			continue
		}
		if i > 0 && pl.content[i-1].exp == t.exp {
			continue
		}
		_, hi := pl.termSpan(i)
		for _, a := range vntext.Tokens(pl.expAcc[t.exp-1]) {
			out = append(out, qtoken{acc: a, fold: vntext.Fold(a), marked: true, lo: i, hi: hi})
		}
	}
	return out
}

// accentMismatchCredit is what a word typed with other diacritics than the
// procedure's ("vàng" for "vắng") counts: almost surely a different word.
const accentMismatchCredit = 0.15

// summaryCredit is what a word found only in the summary counts.
const summaryCredit = 0.5

// maxSingleWordDF: a question whose only matching word is used by more procedures
// than this says too little to answer ("tên", "mất").
const maxSingleWordDF = 2

// accentsMatch: a word typed with diacritics must be used with them.
func (e *entry) accentsMatch(t qtoken) bool { return !t.marked || e.accented[t.acc] }

func (e *entry) hasAll(fold []string) bool {
	for _, f := range fold {
		if !e.words[f] {
			return false
		}
	}
	return len(fold) > 0
}

// namesPhrase reports whether e's names use the folded phrase: one
// syllable anywhere in them, or every two-syllable step of a longer one.
func (e *entry) namesPhrase(fold []string) bool {
	if len(fold) == 1 {
		return e.named[fold[0]]
	}
	return len(fold) > 1 && e.hasPhrase(fold)
}

func (e *entry) hasPhrase(fold []string) bool {
	for i := 1; i < len(fold); i++ {
		if e.pairs[fold[i-1]+" "+fold[i]] == 0 {
			return false
		}
	}
	return true
}

// snippet picks the summary sentence sharing most words with the question, cut at
// a word boundary (never inside a UTF-8 sequence).
func snippet(p knowledge.Procedure, pl plan) string {
	sentences := splitSentences(p.Summary)
	if len(sentences) == 0 {
		return ""
	}
	want := map[string]bool{}
	for _, t := range pl.content {
		want[t.fold] = true
	}
	best, bestN := sentences[0], -1
	for _, s := range sentences {
		n := 0
		for _, f := range vntext.FoldedTokens(s) {
			if want[f] {
				n++
			}
		}
		if n > bestN {
			best, bestN = s, n
		}
	}
	return truncateWords(best, 220)
}

func splitSentences(s string) []string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		start := 0
		for i := 0; i < len(line); i++ {
			if (line[i] == '.' || line[i] == '?' || line[i] == '!') && (i+1 == len(line) || line[i+1] == ' ') {
				if t := strings.TrimSpace(line[start : i+1]); t != "" {
					out = append(out, t)
				}
				start = i + 1
			}
		}
		if t := strings.TrimSpace(line[start:]); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// truncateWords cuts s to at most n runes at a space, adding "…".
func truncateWords(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:") + "…"
}

// NewFromSeed returns an index of the bundled knowledge base with the bundled
// expansion dictionary. Files that fail validation are skipped (LoadSeed's
// errors are not returned here; `dvcctl validate` reports them).
func NewFromSeed() (*Index, error) {
	res, err := knowledge.LoadSeed()
	if err != nil {
		return nil, err
	}
	exp, err := knowledge.LoadSeedExpansions()
	if err != nil {
		return nil, err
	}
	ix, err := New(exp)
	if err != nil {
		return nil, err
	}
	if err := ix.SetSeedReaders(); err != nil {
		ix.Close()
		return nil, err
	}
	if err := ix.Replace(res.Procedures); err != nil {
		ix.Close()
		return nil, err
	}
	return ix, nil
}

// SetSeedReaders gives the index the bundled readers of questions: the
// shorthand dictionary, the subjects the guides do not cover, and the scope,
// guide and section models. On an error, which names what could not be
// loaded, the index is left as it was.
func (ix *Index) SetSeedReaders() error {
	sh, err := knowledge.LoadSeedShorthand()
	if err != nil {
		return fmt.Errorf("load shorthand dictionary: %w", err)
	}
	nc, err := knowledge.LoadSeedNotCovered()
	if err != nil {
		return fmt.Errorf("load not-covered topics: %w", err)
	}
	sm, err := knowledge.LoadSeedScopeModel()
	if err != nil {
		return fmt.Errorf("load scope model: %w", err)
	}
	gm, err := knowledge.LoadSeedGuideModel()
	if err != nil {
		return fmt.Errorf("load guide model: %w", err)
	}
	secm, err := knowledge.LoadSeedSectionModel()
	if err != nil {
		return fmt.Errorf("load section model: %w", err)
	}
	ix.SetShorthand(sh)
	ix.SetNotCovered(nc)
	ix.SetScopeModel(sm)
	ix.SetGuideModel(gm)
	ix.SetSectionModel(secm)
	return nil
}

// nameGap is how many of the citizen's own words may stand inside a run of a
// name, after its first two words, in all.
const nameGap = 2

// recordMoreLikely reports whether the first hit is a curated guide and an
// official record among the first limit hits is the more likely answer on
// the question's own evidence: its Plausibility exceeds the guide's by
// recordLead, it explains more of the question, and it is not the guide's
// own procedure under another name (namesAllOf). The guide leads on a score
// that does not compare across the two indexes, so the bot asks between
// them rather than answer the guide ("giấy chứng nhận đủ điều kiện kinh
// doanh karaoke" is not the security licence guide). Callers hold a lock.
func (ix *Index) recordMoreLikely(hits []bot.SearchHit, limit int) bool {
	if len(hits) == 0 || ix.isOfficial(hits[0].ID) {
		return false
	}
	for i, h := range hits[1:] {
		if i+1 >= limit {
			break
		}
		if ix.isOfficial(h.ID) && !vetoed(h.Evidence) && h.Plausibility > hits[0].Plausibility+recordLead && h.Coverage > hits[0].Coverage &&
			!ix.procs[hits[0].ID].namesAllOf(ix.procs[h.ID]) {
			return true
		}
	}
	return false
}

// recordLead: see recordMoreLikely.
const recordLead = 0.05

// recordResidual is the largest share of a question an official record's
// text may leave unexplained for the question to name the record closely
// (namesRecord): "chứng thực hợp đồng tặng cho xe ô tô" shares only "xe ô
// tô" with the licence to run a transport business.
const recordResidual = 0.3

// namesAllOf reports whether e's names use every word of what the official
// record rec acts on and its qualifier, but the words that glue a qualifier
// on ("cho", "đối với"): the guide names the same procedure ("Đăng ký thế
// chấp quyền sử dụng đất" of the guide "Đăng ký thế chấp quyền sử dụng đất,
// tài sản gắn liền với đất"; "Chấp thuận thay đổi thông tin đăng ký thuế" of
// "Thay đổi thông tin đăng ký thuế cá nhân").
func (e *entry) namesAllOf(rec *entry) bool {
	if e == nil || rec == nil {
		return false
	}
	for _, f := range append(strings.Fields(rec.fam.thing), rec.fam.qualifier...) {
		if !e.named[f] && !qualifierGlue[f] {
			return false
		}
	}
	return true
}

// markedMessage reports whether at least half of a message's syllables (toks
// as typed, folds folded) carry marks.
func markedMessage(toks, folds []string) bool {
	n := 0
	for i := range toks {
		if toks[i] != folds[i] {
			n++
		}
	}
	return 2*n >= len(toks)
}
