package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dvcbot/dvcbot/knowledge/catalog"
	"github.com/dvcbot/dvcbot/knowledge/catalog/catalogtest"
)

func TestCatalogImportFromFile(t *testing.T) {
	env := map[string]string{"DVCBOT_DATA_DIR": t.TempDir()}
	path := filepath.Join(t.TempDir(), "danh-muc.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := catalogtest.Generate(f, catalogtest.Options{N: 100, Format: catalog.FormatCSV, Seed: 4, Bad: 2})
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	code, out := runCLI(t, env, "catalog", "import", path)
	want := fmt.Sprintf("created %d, updated 0, withdrawn %d, unchanged 0, rejected 2", 100-sum.Withdrawn, sum.Withdrawn)
	if code != 1 || !strings.Contains(out, want) || !strings.Contains(out, fmt.Sprintf("REJECTED row %d ", sum.BadRows[0])) {
		t.Fatalf("import: %d %s\nwant %q", code, out, want)
	}
	if code, out := runCLI(t, env, "catalog", "import", path); code != 1 || !strings.Contains(out, "unchanged 100, rejected 2") {
		t.Fatalf("re-import: %d %s", code, out)
	}
	if code, out := runCLI(t, env, "catalog", "imports"); code != 0 || strings.Count(out, "danh-muc.csv") != 2 {
		t.Fatalf("imports: %d %s", code, out)
	}
	// Export writes curated guides only: official records come from the catalogue.
	dir := t.TempDir()
	if code, out := runCLI(t, env, "export", dir); code != 0 || !strings.Contains(out, "exported 0") {
		t.Fatalf("export: %d %s", code, out)
	}
	if code, _ := runCLI(t, env, "catalog", "import", filepath.Join(t.TempDir(), "a.pdf")); code != 1 {
		t.Fatalf("a .pdf: %d", code)
	}
	if code, _ := runCLI(t, env, "catalog"); code != 2 {
		t.Fatalf("no subcommand: %d", code)
	}
}
