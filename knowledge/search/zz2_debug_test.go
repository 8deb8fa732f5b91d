package search

import (
	"fmt"
	"os"
	"testing"
)

func TestZZNorm(t *testing.T) {
	q := os.Getenv("ZZ_Q")
	if q == "" {
		t.Skip()
	}
	ix, _ := NewFromSeed()
	n := ix.Normalize(q)
	fmt.Printf("norm: %q\n", n)
	pl := analyze(n, ix.exp, ix.knownPhrase)
	for _, t := range pl.content {
		fmt.Printf("%+v\n", t)
	}
}
