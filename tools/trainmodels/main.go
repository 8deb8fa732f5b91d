// Command trainmodels fits dvcbot's three learnt models from the team's
// tuning question sets:
//
//   - the scope model (knowledge.ScopeModel, seed/scope_model.tsv): from a
//     question's words, how likely it asks something no how-to guide answers
//     although it speaks of a covered topic;
//
//   - the guide model (knowledge.GuideModel, seed/guide_model.tsv): which
//     guide a question's wording resembles;
//
//   - the section model (knowledge.SectionModel, seed/section_model.tsv):
//     which part of a guide a question asks for.
//
//     go run ./tools/trainmodels knowledge/evalset/testdata/heldout*.tsv
//
// Every row is put to the real dialogue engine over the bundled knowledge
// base with neither model. The scope model learns from the rows a guide is
// in play for (the engine answers with one, or the best hit's confidence is
// at least 0.5): out-of-scope rows say "asks something else", the others do
// not; rows no guide is in play for teach nothing the engine needs. The
// guide model learns every in-scope row's guides, and out-of-scope rows
// some guide is near (best confidence at least 0.2) as "no guide". The
// section model learns every in-scope row whose section is given.
//
// Before writing, each sixth of the sets is judged by models fitted on the
// other five sixths, and two tables say what the engine's limits would have
// done on those unseen sets: how many of its wrong and right answers the
// scope model refuses, how many of the questions it left unanswered the
// guide model answers, rightly or not, and how many of the sections of its
// right answers the section model puts right and wrong. Never pass the frozen sets
// (knowledge/evalset/frozen), the cold checks (knowledge/evalset/cold) nor
// the development set: they measure the
// result and must not shape it.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/knowledge"
	"github.com/dvcbot/dvcbot/knowledge/evalset"
	"github.com/dvcbot/dvcbot/knowledge/search"
	"github.com/dvcbot/dvcbot/knowledge/vntext"
)

// inPlay is the best hit's confidence from which a row teaches the scope
// model even when the engine does not answer it; nearGuide the one from
// which an out-of-scope row teaches the guide model "no guide".
const (
	inPlay    = 0.5
	nearGuide = 0.2
)

// folds is how many groups of sets the cross-check splits the sets into.
const folds = 6

type row struct {
	set      int
	folded   []string
	want     []string // right guides; none out of scope
	conf     float64  // the best hit's confidence
	top      []bot.SearchHit
	answered bool
	right    bool
	english  bool // answered in English, which neither model changes
	question string
	section  string // the section asked for; "" when the set does not say
	got      string // the section the engine answered
}

func (r row) scopeExample() (knowledge.ScopeExample, bool) {
	return knowledge.ScopeExample{Folded: r.folded, Else: len(r.want) == 0}, r.answered || r.conf >= inPlay
}

func (r row) guideExample() (knowledge.GuideExample, bool) {
	return knowledge.GuideExample{Folded: r.folded, IDs: r.want}, len(r.want) > 0 || r.conf >= nearGuide
}

func (r row) sectionExample() (knowledge.SectionExample, bool) {
	return knowledge.SectionExample{Folded: r.folded, Section: r.section}, len(r.want) > 0 && r.section != ""
}

func main() {
	dir := flag.String("dir", "knowledge/seed", "directory the model files are written to")
	list := flag.Bool("list", false, "list the cross-check's refusals and recognitions")
	flag.Parse()
	paths := flag.Args()
	if len(paths) == 0 {
		log.Fatal("usage: trainmodels SET.tsv...")
	}
	slices.Sort(paths)
	rows, err := readRows(paths)
	if err != nil {
		log.Fatal(err)
	}
	scopeOf := func(keep func(row) bool) []knowledge.ScopeExample { return examples(rows, row.scopeExample, keep) }
	guideOf := func(keep func(row) bool) []knowledge.GuideExample { return examples(rows, row.guideExample, keep) }
	sectionOf := func(keep func(row) bool) []knowledge.SectionExample { return examples(rows, row.sectionExample, keep) }
	all := func(row) bool { return true }
	crossCheck(rows, scopeOf, guideOf, *list)
	crossCheckSections(rows, sectionOf, *list)
	scopeEx, guideEx, sectionEx := scopeOf(all), guideOf(all), sectionOf(all)
	scope := knowledge.FitScopeModel(scopeEx)
	guides := knowledge.FitGuideModel(guideEx)
	sections := knowledge.FitSectionModel(sectionEx)
	by := "Written by `go run ./tools/trainmodels knowledge/evalset/testdata/heldout*.tsv`; do not edit by hand."
	write(filepath.Join(*dir, "scope_model.tsv"), func(f *os.File) error {
		return scope.Write(f, []string{
			"Scope model: whether a question asks something no how-to guide answers (knowledge.ScopeModel).", by,
			fmt.Sprintf("Fitted on %d questions of %d tuning sets a guide was in play for.", len(scopeEx), len(paths)),
		})
	})
	write(filepath.Join(*dir, "guide_model.tsv"), func(f *os.File) error {
		return guides.Write(f, []string{
			"Guide model: which guide a question's wording resembles (knowledge.GuideModel); lines guide, feature, count.", by,
			fmt.Sprintf("Fitted on %d questions of %d tuning sets.", len(guideEx), len(paths)),
		})
	})
	write(filepath.Join(*dir, "section_model.tsv"), func(f *os.File) error {
		return sections.Write(f, []string{
			"Section model: which part of a guide a question asks for (knowledge.SectionModel); lines section, feature, weight.", by,
			fmt.Sprintf("Fitted on %d questions of %d tuning sets.", len(sectionEx), len(paths)),
		})
	})
}

// examples returns the examples ex makes of the rows keep takes (ex says
// whether a row teaches the model at all).
func examples[E any](rows []row, ex func(row) (E, bool), keep func(row) bool) []E {
	var out []E
	for _, r := range rows {
		if e, ok := ex(r); ok && keep(r) {
			out = append(out, e)
		}
	}
	return out
}

// readRows puts every question of the sets to an engine with neither model.
func readRows(paths []string) ([]row, error) {
	ix, err := search.NewFromSeed()
	if err != nil {
		return nil, err
	}
	defer ix.Close()
	ix.SetScopeModel(knowledge.ScopeModel{})
	ix.SetGuideModel(knowledge.GuideModel{})
	ix.SetSectionModel(knowledge.SectionModel{})
	ask, err := evalset.EngineAsker(ix, ix)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	var rows []row
	n := 0
	for si, path := range paths {
		if evalset.MeasureOnly(path) || strings.Contains(path, filepath.Join("shared", "eval")) {
			return nil, fmt.Errorf("%s: the frozen sets, the cold checks and the development set must not be used for fitting", path)
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		set, err := evalset.Read(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		for _, r := range set {
			n++
			a, err := ask(ctx, n, r.Question)
			if err != nil {
				return nil, err
			}
			res, err := ix.Search(ctx, r.Question, bot.ResemblesRank)
			if err != nil {
				return nil, err
			}
			rr := row{
				set:      si,
				folded:   vntext.FoldedTokens(ix.Normalize(r.Question)),
				want:     r.WantIDs,
				top:      res.Hits,
				answered: a.ProcedureID != "",
				right:    r.Accepts(a.ProcedureID),
				question: filepath.Base(path) + ": " + r.Question,
				section:  r.Section,
				got:      a.Section,
			}
			if len(res.Hits) > 0 {
				rr.conf = res.Hits[0].Confidence
			}
			rr.english = a.Language == "en"
			rows = append(rows, rr)
		}
	}
	return rows, nil
}

// crossCheck prints what models that never saw a set would have done to it.
func crossCheck(rows []row, scopeOf func(func(row) bool) []knowledge.ScopeExample, guideOf func(func(row) bool) []knowledge.GuideExample, list bool) {
	pScope := make([]float64, len(rows))
	gID := make([]string, len(rows))
	pGuide := make([]float64, len(rows))
	for k := range folds {
		other := func(r row) bool { return r.set%folds != k }
		sm := knowledge.FitScopeModel(scopeOf(other))
		gm := knowledge.FitGuideModel(guideOf(other))
		for i, r := range rows {
			if r.set%folds == k {
				pScope[i] = sm.Probability(r.folded)
				gID[i], pGuide[i] = gm.Best(r.folded)
			}
		}
	}
	wrong, right, unanswered := 0, 0, 0
	for _, r := range rows {
		switch {
		case !r.answered:
			unanswered++
		case r.right:
			right++
		default:
			wrong++
		}
	}
	fmt.Printf("%d rows; the engine without the models answers %d right and %d wrong and leaves %d unanswered\n\n", len(rows), right, wrong, unanswered)
	fmt.Printf("scope model: answers refused\n%-6s %-7s %-7s\n", "limit", "wrong", "right")
	for _, limit := range []float64{0.5, 0.55, bot.AsksElseLimit, 0.65, 0.7, 0.8, 0.9, 0.95} {
		dw, dr := 0, 0
		for i, r := range rows {
			if r.answered && !r.english && pScope[i] >= limit {
				if r.right {
					dr++
				} else {
					dw++
				}
			}
		}
		fmt.Printf("%-6.2f %-7d %-7d\n", limit, dw, dr)
	}
	// recognised mirrors bot.recognised with limit in place of
	// bot.ResemblesLimit (the guide ranked first needs only
	// bot.ResemblesFirstLimit).
	recognised := func(i int, limit float64) bool {
		r := rows[i]
		if r.answered || r.english || gID[i] == "" || gID[i] == knowledge.GuideNone || pScope[i] >= bot.AsksElseLimit {
			return false
		}
		for k, h := range r.top {
			if h.ID == gID[i] {
				agreed := pGuide[i] >= limit || (k == 0 && pGuide[i] >= bot.ResemblesFirstLimit && h.Confidence >= bot.ResemblesFirstConfidence)
				return agreed && !h.Evidence.OffTopic && !h.Evidence.Excluded
			}
		}
		return false
	}
	fmt.Printf("\nguide model: unanswered questions answered (of %d)\n%-6s %-7s %-7s\n", unanswered, "limit", "right", "wrong")
	for _, limit := range []float64{0.8, 0.9, 0.95, bot.ResemblesLimit} {
		gr, gw := 0, 0
		for i, r := range rows {
			if recognised(i, limit) {
				if slices.Contains(r.want, gID[i]) {
					gr++
				} else {
					gw++
				}
			}
		}
		fmt.Printf("%-6.2f %-7d %-7d\n", limit, gr, gw)
	}
	if !list {
		return
	}
	for i, r := range rows {
		switch {
		case r.answered && !r.english && pScope[i] >= bot.AsksElseLimit:
			fmt.Printf("REFUSED %s %.2f %s\n", map[bool]string{true: "right", false: "wrong"}[r.right], pScope[i], r.question)
		case r.answered && !r.english && !r.right:
			fmt.Printf("KEPT wrong %.2f want=%s top=%s %s\n", pScope[i], strings.Join(r.want, "|"), r.top[0].ID, r.question)
		case recognised(i, bot.ResemblesLimit):
			fmt.Printf("RECOGNISED %s %.2f %s %s\n", map[bool]string{true: "right", false: "wrong"}[slices.Contains(r.want, gID[i])], pGuide[i], gID[i], r.question)
		}
	}
}

// crossCheckSections prints what a section model that never saw a set
// would have done to the sections of the engine's right answers on it,
// under the engine's rule (bot.sectionAsked): the model's reading replaces
// the cues' when it reaches the limit and neither is the overview.
func crossCheckSections(rows []row, sectionOf func(func(row) bool) []knowledge.SectionExample, list bool) {
	sec := make([]string, len(rows))
	p := make([]float64, len(rows))
	for k := range folds {
		m := knowledge.FitSectionModel(sectionOf(func(r row) bool { return r.set%folds != k }))
		for i, r := range rows {
			if r.set%folds == k {
				sec[i], p[i] = m.Best(r.folded)
			}
		}
	}
	asked, cues := 0, 0
	for _, r := range rows {
		if r.right && r.section != "" {
			asked++
			if r.got == r.section {
				cues++
			}
		}
	}
	fmt.Printf("\nsection model: sections of the %d right answers that ask for one (the cues alone put %d right)\n%-6s %-7s %-7s %-7s\n", asked, cues, "limit", "changed", "fixed", "broken")
	changes := func(i int, limit float64) bool {
		r := rows[i]
		return r.right && r.section != "" && r.got != bot.SectionOverview && sec[i] != bot.SectionOverview && sec[i] != "" && sec[i] != r.got && p[i] >= limit
	}
	for _, limit := range []float64{0.6, 0.7, 0.8, bot.SectionAskedLimit, 0.95} {
		ch, fixed, broken := 0, 0, 0
		for i, r := range rows {
			if changes(i, limit) {
				ch++
				switch {
				case sec[i] == r.section:
					fixed++
				case r.got == r.section:
					broken++
				}
			}
		}
		fmt.Printf("%-6.2f %-7d %-7d %-7d\n", limit, ch, fixed, broken)
	}
	if !list {
		return
	}
	for i, r := range rows {
		if changes(i, bot.SectionAskedLimit) {
			fmt.Printf("SECTION %s -> %s (want %s) %.2f %s\n", r.got, sec[i], r.section, p[i], r.question)
		}
	}
}

func write(path string, fill func(*os.File) error) {
	f, err := os.Create(path)
	if err != nil {
		log.Fatal(err)
	}
	if err := fill(f); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}
