package evalset_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/dvcbot/dvcbot/knowledge/evalset"
	"github.com/dvcbot/dvcbot/knowledge/search"
)

func TestZZASK(t *testing.T) {
	f := os.Getenv("ZZASK")
	if f == "" {
		t.Skip()
	}
	ix, err := search.NewFromSeed()
	if err != nil {
		t.Fatal(err)
	}
	ask, _ := evalset.EngineAsker(ix, ix)
	fh, _ := os.Open(f)
	sc := bufio.NewScanner(fh)
	i := 0
	for sc.Scan() {
		q := sc.Text()
		a, err := ask(context.Background(), i, q)
		i++
		fmt.Printf("Q: %s\n  => %+v err=%v\n", q, a, err)
		r, _ := ix.Search(context.Background(), q, 5)
		fmt.Printf("  query=%q conf=%v nc=%v\n", r.Query, r.Confident, r.NotCovered)
		for _, h := range r.Hits {
			fmt.Printf("    %-34s c=%.2f cov=%.2f ev=%+v\n", h.ID, h.Confidence, h.Coverage, h.Evidence)
		}
	}
}
