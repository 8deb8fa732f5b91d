// Package searchtest gives tests the search index of the bundled knowledge
// base. It imports only knowledge/search, so any package's tests may use it
// (bot's included: it brings in no web framework, database or channel SDK).
package searchtest

import (
	"sync"
	"testing"

	"github.com/dvcbot/dvcbot/knowledge/search"
)

var (
	seedOnce  sync.Once
	seedIndex *search.Index
	seedErr   error
)

// Index returns the in-memory index of the bundled knowledge base
// (search.NewFromSeed), built once per test binary and shared by every caller,
// so tests must not change it. It stops t when the index cannot be built.
func Index(t testing.TB) *search.Index {
	t.Helper()
	seedOnce.Do(func() { seedIndex, seedErr = search.NewFromSeed() })
	if seedErr != nil {
		t.Fatalf("seed index: %v", seedErr)
	}
	return seedIndex
}
