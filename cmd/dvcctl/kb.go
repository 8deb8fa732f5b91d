package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/dvcbot/dvcbot/knowledge"
	"github.com/dvcbot/dvcbot/knowledge/evalset"
	"github.com/dvcbot/dvcbot/knowledge/search"
)

// cmdValidate checks every procedure file in a directory and reports each problem.
func cmdValidate(_ context.Context, env *cliEnv, args []string) error {
	if len(args) != 1 {
		return usagef("validate takes one directory")
	}
	res, err := knowledge.LoadDir(os.DirFS(args[0]), ".")
	if err != nil {
		return err
	}
	for _, e := range res.Errors {
		fmt.Fprintln(env.stdout, "ERROR", e)
	}
	fmt.Fprintf(env.stdout, "%d valid, %d with errors\n", len(res.Procedures), len(res.Errors))
	if len(res.Errors) > 0 {
		return fmt.Errorf("%d file(s) with errors", len(res.Errors))
	}
	return nil
}

// localIndex builds an in-memory index from a directory of procedure files, or
// from the bundled seed when dir is empty.
func localIndex(dir string) (*search.Index, error) {
	if dir == "" {
		return search.NewFromSeed()
	}
	res, err := knowledge.LoadDir(os.DirFS(dir), ".")
	if err != nil {
		return nil, err
	}
	for _, e := range res.Errors {
		fmt.Fprintln(os.Stderr, "skipped:", e)
	}
	exp, err := knowledge.LoadSeedExpansions()
	if err != nil {
		return nil, err
	}
	ix, err := search.New(exp)
	if err != nil {
		return nil, err
	}
	return ix, ix.Replace(res.Procedures)
}

func cmdSearch(ctx context.Context, env *cliEnv, args []string) error {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dir := fs.String("dir", "", "procedure directory (default: the bundled seed)")
	limit := fs.Int("limit", 5, "how many results")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil || fs.NArg() == 0 {
		return usagef("search [--dir DIR] [--limit N] [--json] \"QUESTION\"")
	}
	ix, err := localIndex(*dir)
	if err != nil {
		return err
	}
	res, err := ix.Search(ctx, strings.Join(fs.Args(), " "), *limit)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(env.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	fmt.Fprintf(env.stdout, "query: %q confident: %v\n", res.Query, res.Confident)
	for i, h := range res.Hits {
		fmt.Fprintf(env.stdout, "%d. %-32s score %.3f coverage %.2f phrase %v  %s\n", i+1, h.ID, h.Score, h.Coverage, h.PhraseMatch, h.Title)
	}
	return nil
}

func cmdEval(ctx context.Context, env *cliEnv, args []string) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dir := fs.String("dir", "", "procedure directory (default: the bundled seed)")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		return usagef("eval [--dir DIR] FILE.tsv")
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	rows, err := evalset.Read(f)
	if err != nil {
		return err
	}
	ix, err := localIndex(*dir)
	if err != nil {
		return err
	}
	rep, err := evalset.Run(ctx, ix, rows)
	if err != nil {
		return err
	}
	rep.Print(env.stdout)
	return nil
}
