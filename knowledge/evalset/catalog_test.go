package evalset_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/dvcbot/dvcbot/knowledge/catalog"
	"github.com/dvcbot/dvcbot/knowledge/catalog/catalogtest"
	"github.com/dvcbot/dvcbot/knowledge/evalset"
	"github.com/dvcbot/dvcbot/knowledge/search"
)

// TestEvalWithCatalogue measures the held-out sets with a generated official
// catalogue of 2,000 records beside the curated guides: top-1 may drop by at
// most one point and the wrong-answer rate may not rise by more than one point.
func TestEvalWithCatalogue(t *testing.T) {
	if os.Getenv("DVCBOT_EVAL_CATALOGUE") == "" {
		t.Skip("set DVCBOT_EVAL_CATALOGUE=1 to measure (builds a 2,000-record catalogue; three held-out sets, each with and without it)")
	}
	plain, err := search.NewFromSeed()
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	big, records := withCatalogue(t)
	defer big.Close()
	t.Logf("%d official records indexed beside %d curated guides", len(records), plain.Len())
	sets := []string{"testdata/heldout.tsv", "testdata/heldout2.tsv", "testdata/heldout3.tsv"}
	if only := os.Getenv("DVCBOT_EVAL_CATALOGUE_SET"); only != "" {
		sets = []string{only}
	}
	for _, path := range sets {
		rows := readSet(t, path)
		reps := [2]evalset.ChatReport{chat(t, plain, rows), chat(t, big, rows)}
		// An out-of-scope row (no guide covers it) answered from an official
		// record is the catalogue doing its work, not a wrong answer: such
		// rows are listed for review and left out of the wrong-answer rate.
		fromRecords := 0
		for _, m := range reps[1].OutScopeMisses {
			if p, err := big.Procedure(context.Background(), m.Got.ProcedureID); err == nil && p.IsOfficial() {
				fromRecords++
				t.Logf("%s line %d: out of scope for the guides, answered from the record %s: %q", path, m.Row.Line, m.Got.ProcedureID, m.Row.Question)
			}
		}
		reps[1].Wrong -= fromRecords
		t.Logf("%s: top-1 %.3f → %.3f, wrong %.3f → %.3f (%d out-of-scope rows answered from a record)", path, reps[0].ProcedureRate(), reps[1].ProcedureRate(), reps[0].WrongRate(), reps[1].WrongRate(), fromRecords)
		if testing.Verbose() && os.Getenv("DVCBOT_EVAL_CATALOGUE_SET") != "" {
			reps[1].Print(testWriter{t})
		}
		if reps[1].ProcedureRate() < reps[0].ProcedureRate()-0.01 {
			t.Errorf("%s: top-1 drops from %.3f to %.3f with the catalogue", path, reps[0].ProcedureRate(), reps[1].ProcedureRate())
		}
		if reps[1].WrongRate() > reps[0].WrongRate()+0.01 {
			reps[1].Print(testWriter{t})
			t.Errorf("%s: wrong-answer rate rises from %.3f to %.3f with the catalogue", path, reps[0].WrongRate(), reps[1].WrongRate())
		}
	}
}

// TestLongTailAnsweredFromRecords measures questions about procedures that
// only the official catalogue holds (testdata/longtail.tsv), with a generated
// catalogue of 2,000 records beside the curated guides. A row is right when
// the answer is an official record whose name holds the row's topic, or a
// curated guide the row names as covering it too; any other procedure is a
// wrong answer.
func TestLongTailAnsweredFromRecords(t *testing.T) {
	if os.Getenv("DVCBOT_EVAL_CATALOGUE") == "" {
		t.Skip("set DVCBOT_EVAL_CATALOGUE=1 to measure (builds a 2,000-record catalogue)")
	}
	ix, records := withCatalogue(t)
	defer ix.Close()
	for _, set := range []struct {
		path           string
		top1, maxWrong float64
	}{
		{"testdata/longtail.tsv", 0.88, 0.02},
		{"testdata/longtail2.tsv", 0, 1},       // held out: measured, never tuned
		{"testdata/longtail3.tsv", 0, 1},       // held out: measured, never tuned
		{"testdata/longtail4.tsv", 0.61, 0.06}, // tuning (twenty-seventh session)
	} {
		t.Run(set.path, func(t *testing.T) { longTail(t, ix, records, set.path, set.top1, set.maxWrong) })
	}
}

// named is an official record's id and its name in lower case.
type named struct{ id, name string }

// withCatalogue returns the bundled guides with a generated catalogue of
// 2,000 official records (seed 1), and those records. The index is built
// whole, as after an import: records upserted one by one are scored a little
// differently until the index compacts itself.
func withCatalogue(t *testing.T) (*search.Index, []named) {
	t.Helper()
	var buf bytes.Buffer
	if _, err := catalogtest.Generate(&buf, catalogtest.Options{N: 2000, Format: catalog.FormatJSONL, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	entries, err := catalog.ReadAll(context.Background(), &buf, catalog.FormatJSONL)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := search.NewFromSeed()
	if err != nil {
		t.Fatal(err)
	}
	var records []named
	all := ix.All()
	for _, e := range entries {
		if e.Err != nil || e.Withdrawn {
			continue
		}
		all = append(all, e.Procedure)
		records = append(records, named{e.Procedure.ID, strings.ToLower(e.Procedure.Title)})
	}
	if err := ix.Replace(all); err != nil {
		ix.Close()
		t.Fatal(err)
	}
	return ix, records
}

// chat puts rows to the real dialogue engine over ix.
func chat(t *testing.T, ix *search.Index, rows []evalset.Row) evalset.ChatReport {
	t.Helper()
	ask, err := evalset.EngineAsker(ix, ix)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := evalset.RunChat(context.Background(), rows, ask)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// readSet reads a question set.
func readSet(t *testing.T, path string) []evalset.Row {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := evalset.Read(f)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// longTail runs one long-tail set (see TestLongTailAnsweredFromRecords).
func longTail(t *testing.T, ix *search.Index, records []named, path string, top1, maxWrong float64) {
	rows := readSet(t, path)
	for i, row := range rows {
		topic := strings.ToLower(row.WantID)
		var ids []string
		for _, r := range records {
			if strings.Contains(r.name, topic) {
				ids = append(ids, r.id)
			}
		}
		if len(ids) == 0 {
			t.Fatalf("line %d: no record in force is named with %q", row.Line, row.WantID)
		}
		rows[i].WantIDs = append(ids, row.WantIDs[1:]...)
		rows[i].WantID = ids[0]
	}
	rep := chat(t, ix, rows)
	if testing.Verbose() {
		rep.Print(testWriter{t})
	} else {
		rep.PrintSummary(testWriter{t})
	}
	if rep.ProcedureRate() < top1 {
		t.Errorf("%s: top-1 %.3f, below its floor %.2f", path, rep.ProcedureRate(), top1)
	}
	if rep.WrongRate() > maxWrong {
		t.Errorf("%s: wrong-answer rate %.3f, above its ceiling %.2f", path, rep.WrongRate(), maxWrong)
	}
}
