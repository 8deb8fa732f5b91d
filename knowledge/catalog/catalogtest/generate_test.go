package catalogtest

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/dvcbot/dvcbot/knowledge/catalog"
	"github.com/dvcbot/dvcbot/knowledge/vntext"
)

// A generated catalogue reads back as generated in every format: every good
// record valid, exactly the malformed rows rejected.
func TestGeneratedCatalogReadsBack(t *testing.T) {
	for _, f := range []catalog.Format{catalog.FormatJSONL, catalog.FormatJSON, catalog.FormatCSV, catalog.FormatXLSX} {
		t.Run(string(f), func(t *testing.T) {
			var buf bytes.Buffer
			sum, err := Generate(&buf, Options{N: 300, Format: f, Seed: 7, Bad: 12})
			if err != nil {
				t.Fatal(err)
			}
			es, err := catalog.ReadAll(context.Background(), &buf, f)
			if err != nil {
				t.Fatal(err)
			}
			var bad []int
			withdrawn := 0
			names := map[string]int{}
			for _, e := range es {
				if e.Err != nil {
					bad = append(bad, e.Row)
					continue
				}
				if e.Withdrawn {
					withdrawn++
				}
				names[vntext.Key(e.Procedure.Title)]++
				if len(e.Procedure.Steps) < 3 || strings.HasPrefix(e.Procedure.Steps[0], "Bước") || strings.HasPrefix(e.Procedure.Steps[0], "Căn cứ") {
					t.Errorf("row %d: steps not cleaned: %q", e.Row, e.Procedure.Steps)
				}
			}
			if len(es) != 312 || withdrawn != sum.Withdrawn || !equal(bad, sum.BadRows) {
				t.Fatalf("%d entries, %d withdrawn, bad rows %v; generated %d withdrawn, bad rows %v", len(es), withdrawn, bad, sum.Withdrawn, sum.BadRows)
			}
			repeated := 0
			for _, n := range names {
				if n > 1 {
					repeated++
				}
			}
			if repeated < 20 {
				t.Errorf("only %d names repeat across levels", repeated)
			}
		})
	}
}

func TestCuratedCodesComeFirst(t *testing.T) {
	var buf bytes.Buffer
	sum, err := Generate(&buf, Options{N: 50, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range CuratedCodes {
		if sum.Codes[i] != c.Code {
			t.Fatalf("record %d has code %s, want the curated %s", i, sum.Codes[i], c.Code)
		}
	}
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// BenchmarkRead reads (parses, cleans and validates) a 2,000-record catalogue.
func BenchmarkRead(b *testing.B) {
	for _, f := range []catalog.Format{catalog.FormatJSONL, catalog.FormatCSV, catalog.FormatXLSX} {
		var buf bytes.Buffer
		if _, err := Generate(&buf, Options{N: 2000, Format: f, Seed: 1}); err != nil {
			b.Fatal(err)
		}
		b.Run(string(f), func(b *testing.B) {
			b.SetBytes(int64(buf.Len()))
			for i := 0; i < b.N; i++ {
				if _, err := catalog.ReadAll(context.Background(), bytes.NewReader(buf.Bytes()), f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
