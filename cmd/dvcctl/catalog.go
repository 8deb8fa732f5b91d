package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/dvcbot/dvcbot/knowledge/catalog"
)

const catalogUsage = "catalog import [--json] [--by NAME] FILE | imports   load an official procedure catalogue (.jsonl, .json, .csv, .xlsx); list the last imports"

// cmdCatalog imports an official procedure catalogue file, or lists the
// imports made. Rejected rows are printed with their row, code and reason and
// make the command exit 1, while the good rows are stored.
func cmdCatalog(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) == 0 {
		return usagef("catalog import FILE | catalog imports")
	}
	switch args[0] {
	case "import":
		return catalogImport(ctx, env, args[1:])
	case "imports":
		return catalogImports(ctx, env)
	}
	return usagef("unknown catalog command %q", args[0])
}

func catalogImport(ctx context.Context, env *cliEnv, args []string) error {
	fs := flag.NewFlagSet("catalog import", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	asJSON := fs.Bool("json", false, "print the report as JSON")
	by := fs.String("by", "dvcctl", "who imports (kept in the history)")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		return usagef("catalog import [--json] [--by NAME] FILE")
	}
	path := fs.Arg(0)
	format, err := catalog.DetectFormat(path, "")
	if err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	db, err := openStore(ctx, env)
	if err != nil {
		return err
	}
	defer db.Close(context.Background())
	imp, err := catalog.Load(ctx, db.Procedures(), f, filepath.Base(path), format, *by, time.Now)
	if err != nil {
		return err
	}
	r := imp.Report
	if *asJSON {
		enc := json.NewEncoder(env.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			return err
		}
	} else {
		for _, rej := range r.Rejected {
			fmt.Fprintf(env.stdout, "REJECTED row %d %s: %s\n", rej.Row, rej.Code, rej.Error)
		}
		for _, code := range r.KeptStaffEdit {
			fmt.Fprintf(env.stdout, "KEPT %s: edited by staff, not overwritten\n", code)
		}
		fmt.Fprintf(env.stdout, "%s (%s, %d rows): created %d, updated %d, withdrawn %d, unchanged %d, rejected %d, in %v\n",
			imp.File, imp.Format, imp.Rows, r.Created, r.Updated, r.Withdrawn, r.Unchanged, len(r.Rejected), time.Duration(imp.DurationMS)*time.Millisecond)
	}
	if len(r.Rejected) > 0 {
		return errors.New("some rows were rejected; the others were imported")
	}
	return nil
}

func catalogImports(ctx context.Context, env *cliEnv) error {
	db, err := openStore(ctx, env)
	if err != nil {
		return err
	}
	defer db.Close(context.Background())
	list, err := db.Procedures().CatalogImports(ctx, 20)
	if err != nil {
		return err
	}
	for _, imp := range list {
		r := imp.Report
		status := fmt.Sprintf("created %d, updated %d, withdrawn %d, unchanged %d, rejected %d", r.Created, r.Updated, r.Withdrawn, r.Unchanged, len(r.Rejected))
		if imp.Error != "" {
			status = "FAILED: " + imp.Error
		}
		fmt.Fprintf(env.stdout, "%s  %-20s %-30s %s\n", imp.At.Local().Format("2006-01-02 15:04"), imp.By, imp.File, status)
	}
	if len(list) == 0 {
		fmt.Fprintln(env.stdout, "no catalogue imports yet")
	}
	return nil
}
