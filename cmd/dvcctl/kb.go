package main

import (
	"context"
	"encoding/json"
	"errors"
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

// cmdEval scores question sets. By default each question goes through the real
// dialogue engine in a fresh conversation and the report gives, per set, top-1,
// section accuracy, out-of-scope handled and the wrong-answer rate; --search
// scores the ranking alone. --max-wrong fails the command when any set's
// wrong-answer rate is above it (CI uses it as a floor).
func cmdEval(ctx context.Context, env *cliEnv, args []string) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dir := fs.String("dir", "", "procedure directory (default: the bundled seed)")
	searchOnly := fs.Bool("search", false, "score the search ranking only, not the dialogue")
	verbose := fs.Bool("v", false, "list every miss")
	maxWrong := fs.Float64("max-wrong", -1, "fail when a set's wrong-answer rate is above this (0..1)")
	if err := fs.Parse(args); err != nil || fs.NArg() == 0 {
		return usagef("eval [--dir DIR] [--search] [-v] [--max-wrong RATE] FILE.tsv...")
	}
	ix, err := localIndex(*dir)
	if err != nil {
		return err
	}
	defer ix.Close()
	var failed []string
	for _, path := range fs.Args() {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		rows, err := evalset.Read(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		fmt.Fprintf(env.stdout, "== %s\n", path)
		if *searchOnly {
			rep, err := evalset.Run(ctx, ix, rows)
			if err != nil {
				return err
			}
			rep.Print(env.stdout)
			continue
		}
		ask, err := evalset.EngineAsker(ix, ix)
		if err != nil {
			return err
		}
		rep, err := evalset.RunChat(ctx, rows, ask)
		if err != nil {
			return err
		}
		if *verbose {
			rep.Print(env.stdout)
		} else {
			rep.PrintSummary(env.stdout)
		}
		if *maxWrong >= 0 && rep.WrongRate() > *maxWrong {
			failed = append(failed, fmt.Sprintf("%s: wrong-answer rate %.3f > %.3f", path, rep.WrongRate(), *maxWrong))
		}
	}
	if len(failed) > 0 {
		return errors.New(strings.Join(failed, "; "))
	}
	return nil
}
