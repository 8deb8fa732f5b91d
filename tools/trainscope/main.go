// Command trainscope fits dvcbot's scope model (knowledge.ScopeModel): from
// a question's words, how likely it asks something no how-to guide answers
// although it speaks of a covered topic.
//
//	go run ./tools/trainscope knowledge/evalset/testdata/heldout*.tsv
//
// Every row is put to the real dialogue engine over the bundled knowledge
// base with no scope model. The rows a guide is in play for (the engine
// answers with one, or the best hit's confidence is at least 0.5) are the
// examples: out-of-scope rows say "asks something else", the others do not.
// Rows no guide is in play for teach nothing the engine needs. The model is
// fitted and written to -out; before that, each sixth of the sets is scored
// by a model fitted on the other five sixths, and the table printed says,
// for each limit, how many of the engine's wrong and right answers on those
// unseen sets the model would have turned into refusals. Never pass the
// frozen sets (knowledge/evalset/frozen) nor the development set: they
// measure the result and must not shape it.
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

	"github.com/dvcbot/dvcbot/knowledge"
	"github.com/dvcbot/dvcbot/knowledge/evalset"
	"github.com/dvcbot/dvcbot/knowledge/search"
	"github.com/dvcbot/dvcbot/knowledge/vntext"
)

// inPlay is the best hit's confidence from which a row is an example even
// when the engine does not answer it.
const inPlay = 0.5

// folds is how many groups of sets the cross-check splits the sets into.
const folds = 6

type row struct {
	set      int
	ex       knowledge.ScopeExample
	example  bool
	answered bool
	right    bool
}

func main() {
	out := flag.String("out", "knowledge/seed/scope_model.tsv", "model file to write")
	flag.Parse()
	paths := flag.Args()
	if len(paths) == 0 {
		log.Fatal("usage: trainscope SET.tsv...")
	}
	slices.Sort(paths)
	ix, err := search.NewFromSeed()
	if err != nil {
		log.Fatal(err)
	}
	defer ix.Close()
	ix.SetScopeModel(knowledge.ScopeModel{})
	ask, err := evalset.EngineAsker(ix, ix)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	var rows []row
	n := 0
	for si, path := range paths {
		if strings.Contains(path, "frozen") || strings.Contains(path, filepath.Join("shared", "eval")) {
			log.Fatalf("%s: the frozen and development sets must not be used for fitting", path)
		}
		f, err := os.Open(path)
		if err != nil {
			log.Fatal(err)
		}
		set, err := evalset.Read(f)
		f.Close()
		if err != nil {
			log.Fatal(err)
		}
		for _, r := range set {
			n++
			a, err := ask(ctx, n, r.Question)
			if err != nil {
				log.Fatal(err)
			}
			res, err := ix.Search(ctx, r.Question, 3)
			if err != nil {
				log.Fatal(err)
			}
			conf := 0.0
			if len(res.Hits) > 0 {
				conf = res.Hits[0].Confidence
			}
			rows = append(rows, row{
				set:      si,
				ex:       knowledge.ScopeExample{Folded: vntext.FoldedTokens(ix.Normalize(r.Question)), Else: r.OutOfScope()},
				example:  a.ProcedureID != "" || conf >= inPlay,
				answered: a.ProcedureID != "",
				right:    r.Accepts(a.ProcedureID),
			})
		}
	}
	examples := func(keep func(row) bool) []knowledge.ScopeExample {
		var out []knowledge.ScopeExample
		for _, r := range rows {
			if r.example && keep(r) {
				out = append(out, r.ex)
			}
		}
		return out
	}
	// Cross-check: each fold scored by a model that never saw its sets.
	p := make([]float64, len(rows))
	for k := range folds {
		m := knowledge.FitScopeModel(examples(func(r row) bool { return r.set%folds != k }))
		for i, r := range rows {
			if r.set%folds == k {
				p[i] = m.Probability(r.ex.Folded)
			}
		}
	}
	wrong, right := 0, 0
	for _, r := range rows {
		if r.answered {
			if r.right {
				right++
			} else {
				wrong++
			}
		}
	}
	fmt.Printf("%d sets, %d rows, %d examples; the engine answers %d right and %d wrong\n", len(paths), len(rows), len(examples(func(row) bool { return true })), right, wrong)
	fmt.Printf("%-6s %-14s %-14s\n", "limit", "wrong refused", "right refused")
	for _, limit := range []float64{0.5, 0.6, 0.65, 0.7, 0.73, 0.75, 0.8, 0.85, 0.9, 0.95} {
		dw, dr := 0, 0
		for i, r := range rows {
			if r.answered && p[i] >= limit {
				if r.right {
					dr++
				} else {
					dw++
				}
			}
		}
		fmt.Printf("%-6.2f %-14d %-14d\n", limit, dw, dr)
	}
	m := knowledge.FitScopeModel(examples(func(row) bool { return true }))
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	header := []string{
		"Scope model: whether a question asks something no how-to guide answers (knowledge.ScopeModel).",
		"Written by `go run ./tools/trainscope knowledge/evalset/testdata/heldout*.tsv`; do not edit by hand.",
		fmt.Sprintf("Fitted on %d questions of %d tuning sets a guide was in play for.", len(examples(func(row) bool { return true })), len(paths)),
	}
	if err := m.Write(f, header); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}
