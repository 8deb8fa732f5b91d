// Command calibrate fits dvcbot's answer-confidence model on question sets and
// prints the trade-off between answering and being wrong.
//
//	go run ./tools/calibrate knowledge/evalset/testdata/heldout*.tsv ../shared/eval/questions.tsv
//
// Every row is searched against the bundled knowledge base; each of the top
// three hits becomes one example (right answer or not) described by
// search.Features. A logistic model is fitted on them and printed as Go code
// for knowledge/search/confidence.go, followed by, for a range of thresholds,
// the share of questions answered, the wrong-answer rate over all questions and
// top-1 over in-scope questions. -current reports the shipped DefaultModel
// instead of fitting one; -dump FILE writes each question's best hit (its
// features, right or not) for analysis; -fit-top N fits on the best N hits of
// each question (3 by default; 1 fitted worse). Never pass the frozen sets
// (knowledge/evalset/frozen) nor the cold checks (knowledge/evalset/cold):
// they measure the result and must not shape it.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/knowledge/evalset"
	"github.com/dvcbot/dvcbot/knowledge/search"
)

func main() {
	iters := flag.Int("iterations", 4000, "gradient descent iterations")
	fitTop := flag.Int("fit-top", 3, "hits per question the model is fitted on")
	current := flag.Bool("current", false, "report the current DefaultModel instead of fitting one")
	dump := flag.String("dump", "", "write every question's best hit (features, right or not) to this TSV file")
	flag.Parse()
	if flag.NArg() == 0 {
		log.Fatal("usage: calibrate SET.tsv...")
	}
	ix, err := search.NewFromSeed()
	if err != nil {
		log.Fatal(err)
	}
	type row struct {
		evs   []bot.Evidence
		hits  [][]float64
		right []bool
		in    bool
		text  string
		ids   []string
	}
	var rows []row
	var xs [][]float64
	var ys []float64
	for _, path := range flag.Args() {
		if evalset.MeasureOnly(path) {
			log.Fatalf("%s: the frozen sets and the cold checks must not be used for calibration", path)
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
			res, err := ix.Search(context.Background(), r.Question, 5)
			if err != nil {
				log.Fatal(err)
			}
			rr := row{in: !r.OutOfScope(), text: r.Question}
			for i, h := range res.Hits {
				if i >= 3 {
					break
				}
				x := search.Features(h.Evidence)
				y := 0.0
				if r.Accepts(h.ID) {
					y = 1
				}
				if i < *fitTop {
					xs, ys = append(xs, x), append(ys, y)
				}
				rr.hits, rr.right, rr.evs = append(rr.hits, x), append(rr.right, y == 1), append(rr.evs, h.Evidence)
				rr.ids = append(rr.ids, h.ID)
			}
			rows = append(rows, rr)
		}
	}
	m := search.Fit(xs, ys, *iters)
	if *current {
		m = search.DefaultModel
	}
	fmt.Printf("var DefaultModel = Model{Bias: %.3f, Weights: []float64{", m.Bias)
	for i, w := range m.Weights {
		if i > 0 {
			fmt.Print(", ")
		}
		fmt.Printf("%.3f", w)
	}
	fmt.Println("}}")
	fmt.Printf("// %s\n", strings.Join(search.FeatureNames, ", "))
	if *dump != "" {
		var b strings.Builder
		fmt.Fprintf(&b, "in\tright\tid\tp\t%s\tquestion\n", strings.Join(search.FeatureNames, "\t"))
		for _, r := range rows {
			if len(r.hits) == 0 {
				continue
			}
			fmt.Fprintf(&b, "%t\t%t\t%s\t%.3f", r.in, r.right[0], r.ids[0], m.Probability(r.evs[0]))
			for _, v := range r.hits[0] {
				fmt.Fprintf(&b, "\t%.3f", v)
			}
			fmt.Fprintf(&b, "\t%s\n", r.text)
		}
		if err := os.WriteFile(*dump, []byte(b.String()), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Printf("\n%-9s %-9s %-9s %-9s\n", "threshold", "answered", "wrong", "top-1")
	in := 0
	for _, r := range rows {
		if r.in {
			in++
		}
	}
	for t := 0.30; t <= 0.951; t += 0.05 {
		answered, wrong, right := 0, 0, 0
		for _, r := range rows {
			if len(r.hits) == 0 {
				continue
			}
			if p := m.Probability(r.evs[0]); p >= t {
				answered++
				if r.right[0] {
					right++
				} else {
					wrong++
				}
			}
		}
		fmt.Printf("%-9.2f %-9.3f %-9.3f %-9.3f\n", t, float64(answered)/float64(len(rows)), float64(wrong)/float64(len(rows)), float64(right)/float64(max(in, 1)))
	}
}
