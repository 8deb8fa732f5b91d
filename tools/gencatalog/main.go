// Command gencatalog writes a realistic official procedure catalogue (see
// knowledge/catalog/catalogtest) for trying and measuring the importer:
//
//	go run ./tools/gencatalog -n 2000 -format csv -bad 5 -out tmp-catalog/catalog.csv
//	go run ./cmd/dvcctl catalog import tmp-catalog/catalog.csv
//
// The output goes under tmp-catalog/ by default, which git ignores.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dvcbot/dvcbot/knowledge/catalog"
	"github.com/dvcbot/dvcbot/knowledge/catalog/catalogtest"
)

func main() {
	n := flag.Int("n", 2000, "good records")
	format := flag.String("format", "jsonl", "jsonl, json, csv or xlsx")
	out := flag.String("out", "", "output file (default tmp-catalog/catalog-N.FORMAT; - for standard output)")
	seed := flag.Uint64("seed", 1, "random seed: the same seed writes the same file")
	bad := flag.Int("bad", 0, "malformed rows to add among the good ones")
	flag.Parse()
	if err := run(*n, catalog.Format(*format), *out, *seed, *bad); err != nil {
		fmt.Fprintln(os.Stderr, "gencatalog:", err)
		os.Exit(1)
	}
}

func run(n int, format catalog.Format, out string, seed uint64, bad int) error {
	switch format {
	case catalog.FormatJSONL, catalog.FormatJSON, catalog.FormatCSV, catalog.FormatXLSX:
	default:
		return fmt.Errorf("-format must be jsonl, json, csv or xlsx, got %q", format)
	}
	if out == "" {
		out = filepath.Join("tmp-catalog", fmt.Sprintf("catalog-%d.%s", n, format))
	}
	w := os.Stdout
	if out != "-" {
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	sum, err := catalogtest.Generate(bw, catalogtest.Options{N: n, Format: format, Seed: seed, Bad: bad})
	if err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if out != "-" {
		st, err := os.Stat(out)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "wrote %s: %d records (%d no longer in force), %d malformed rows %v, %.1f MiB\n",
			out, sum.Records, sum.Withdrawn, len(sum.BadRows), sum.BadRows, float64(st.Size())/(1<<20))
	}
	return nil
}
