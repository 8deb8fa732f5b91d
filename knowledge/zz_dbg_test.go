package knowledge

import (
	"bufio"
	"fmt"
	"os"
	"testing"
)

func TestZZRead(t *testing.T) {
	f := os.Getenv("ZZEN")
	if f == "" {
		t.Skip()
	}
	g, err := LoadSeedEnglish()
	if err != nil {
		t.Fatal(err)
	}
	fh, _ := os.Open(f)
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		q := sc.Text()
		r := g.Read(q)
		var named, hinted []string
		for _, x := range r.Named {
			named = append(named, x.ID)
		}
		for _, x := range r.Hinted {
			hinted = append(hinted, x.ID)
		}
		fmt.Printf("Q: %s\n  NC=%q named=%v hinted=%v sec=%q purpose=%q\n  VI=%q\n", q, r.NotCovered, named, hinted, r.Section, r.Purpose, g.Translate(r.Asked))
	}
}
