package bot_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/knowledge/evalset"
)

// TestEvalThroughEngine asks every question of the development sets in a fresh
// conversation and checks the dialogue targets: the claimed procedure, the
// section, and the fallback for out-of-scope rows.
func TestEvalThroughEngine(t *testing.T) {
	sets := []struct {
		path               string
		minProc, minSec    float64
		requireAllFallback bool
	}{
		{"../../shared/eval/questions.tsv", 0.95, 0.90, true},
		{"../knowledge/evalset/testdata/heldout.tsv", 0.92, 0.85, false},
		{"../knowledge/evalset/testdata/heldout2.tsv", 0.92, 0.80, false},
	}
	for _, set := range sets {
		t.Run(set.path, func(t *testing.T) {
			f, err := os.Open(set.path)
			if err != nil {
				t.Skipf("question set not available: %v", err)
			}
			defer f.Close()
			rows, err := evalset.Read(f)
			if err != nil {
				t.Fatal(err)
			}
			fx := newEngine(t)
			rep, err := evalset.RunChat(context.Background(), rows, func(ctx context.Context, i int, q string) (evalset.Answer, error) {
				r, err := fx.engine.Handle(ctx, bot.Message{Channel: "eval", ChatID: fmt.Sprint(i), Text: q})
				return evalset.Answer{ProcedureID: r.ProcedureID, Section: r.Section, Intent: r.Intent, Candidates: r.Candidates}, err
			})
			if err != nil {
				t.Fatal(err)
			}
			if testing.Verbose() || rep.ProcedureRate() < set.minProc || rep.SectionRate() < set.minSec {
				rep.Print(testWriter{t})
			}
			if rep.ProcedureRate() < set.minProc {
				t.Errorf("procedure top-1 %.3f < %.2f", rep.ProcedureRate(), set.minProc)
			}
			if rep.SectionRate() < set.minSec {
				t.Errorf("section accuracy %.3f < %.2f", rep.SectionRate(), set.minSec)
			}
			if set.requireAllFallback && rep.OutScopeFallback != rep.OutScope {
				t.Errorf("out-of-scope fallback %d/%d", rep.OutScopeFallback, rep.OutScope)
			}
		})
	}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p))
	return len(p), nil
}
