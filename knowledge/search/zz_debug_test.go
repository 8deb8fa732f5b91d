package search

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/dvcbot/dvcbot/knowledge/evalset"
)

func TestZZDebugResidual(t *testing.T) {
	files := strings.Fields(os.Getenv("ZZ_FILES"))
	if len(files) == 0 {
		t.Skip()
	}
	ix, err := NewFromSeed()
	if err != nil {
		t.Fatal(err)
	}
	inW, oosW := map[string]int{}, map[string]int{}
	for _, path := range files {
		f, _ := os.Open(path)
		set, _ := evalset.Read(f)
		f.Close()
		for _, r := range set {
			res, _ := ix.Search(context.Background(), r.Question, 5)
			if len(res.Hits) == 0 {
				continue
			}
			normalized := ix.norm.normalize(r.Question, ixVocab{ix})
			pl := analyze(normalized, ix.exp, ix.knownPhrase)
			resid := func(id string) []string {
				e := ix.procs[id]
				var out []string
				for _, t := range pl.content {
					if t.exp > 0 || e.uses(t.fold) {
						continue
					}
					out = append(out, t.fold)
				}
				return out
			}
			if r.OutOfScope() {
				if res.Hits[0].Confidence >= 0.4 {
					for _, w := range resid(res.Hits[0].ID) {
						oosW[w]++
					}
				}
				continue
			}
			if r.Accepts(res.Hits[0].ID) && res.Hits[0].Confidence >= 0.75 {
				continue
			}
			for _, h := range res.Hits {
				if r.Accepts(h.ID) {
					rw := resid(h.ID)
					for _, w := range rw {
						inW[w]++
					}
					fmt.Printf("MISS %.2f %s top=%s resid=%v | %s\n", h.Confidence, h.ID, res.Hits[0].ID, rw, r.Question)
					break
				}
			}
		}
	}
	dump := func(name string, m map[string]int) {
		type kv struct {
			k string
			v int
		}
		var l []kv
		for k, v := range m {
			l = append(l, kv{k, v})
		}
		sort.Slice(l, func(i, j int) bool { return l[i].v > l[j].v })
		fmt.Printf("== %s\n", name)
		for i, x := range l {
			if i > 120 {
				break
			}
			fmt.Printf("%s:%d:%d ", x.k, x.v, ix.vocab[x.k])
		}
		fmt.Println()
	}
	dump("in-scope misses", inW)
	dump("oos answered", oosW)
}
