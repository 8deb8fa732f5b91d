package bot_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/knowledge/evalset"
	"github.com/dvcbot/dvcbot/offices"
)

// sweepStride: one held-out question in sweepStride is asked, so that the
// sweep (two engines over some 31,000 questions, about 4.5 ms a turn) stays
// well inside the test binary's ten minutes when the whole suite shares two
// cores; raceStride: one in raceStride under the race detector.
const (
	sweepStride = 2
	raceStride  = 8
)

// TestHeldOutAnswersUnchangedByOfficeDirectory asks the held-out questions
// (one in sweepStride) with and without the office directory: the procedure
// and section answered must be the same (the directory only adds the desk to
// agency answers), so the trust thresholds measured without it still hold.
// Only questions about a desk that no guide answers ("thứ 7 bộ phận một cửa
// có làm việc không", labelled "-") may get a desk answer instead of a
// refusal (or a wrong guess), and so may a question the engine refuses
// without the directory.
func TestHeldOutAnswersUnchangedByOfficeDirectory(t *testing.T) {
	if testing.Short() {
		t.Skip("asks half the held-out questions twice")
	}
	files, _ := filepath.Glob("../knowledge/evalset/testdata/heldout*.tsv")
	frozen, _ := filepath.Glob("../knowledge/evalset/frozen/*.tsv")
	files = append(files, frozen...)
	isFrozen := map[string]bool{}
	for _, f := range frozen {
		isFrozen[f] = true
	}
	if len(files) == 0 {
		t.Skip("no held-out sets")
	}
	sample, err := offices.Sample()
	if err != nil {
		t.Fatal(err)
	}
	ix := index(t)
	// Sessions in memory: the answers are compared, not how they are kept,
	// and a database write per turn made the sweep of some 60,000 turns
	// outgrow the test binary's time limit.
	plain, err := bot.New(bot.Config{Searcher: ix, Normalizer: ix, Procedures: ix, Sessions: evalset.MemorySessions()})
	if err != nil {
		t.Fatal(err)
	}
	withDesks, err := bot.New(bot.Config{Searcher: ix, Normalizer: ix, Procedures: ix, Sessions: evalset.MemorySessions(), Offices: staticOffices{offices.NewDirectory(sample)}})
	if err != nil {
		t.Fatal(err)
	}
	// Under the race detector a turn is many times slower: one question in
	// raceStride is asked.
	stride := sweepStride
	if raceDetector {
		stride = raceStride
	}
	n, agency, asked, office := 0, 0, 0, 0
	for _, file := range files {
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := evalset.Read(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for i, row := range rows {
			if i%stride != 0 {
				continue
			}
			q := row.Question
			n++
			chat := fmt.Sprintf("%s-%d", filepath.Base(file), row.Line)
			a, err1 := plain.Handle(t.Context(), bot.Message{Channel: bot.ChannelWeb, ChatID: "p-" + chat, Text: q, At: monday0800})
			b, err2 := withDesks.Handle(t.Context(), bot.Message{Channel: bot.ChannelWeb, ChatID: "o-" + chat, Text: q, At: monday0800})
			if err1 != nil || err2 != nil {
				t.Fatalf("%q: %v %v", q, err1, err2)
			}
			if b.ProcedureID == "" && b.Intent == bot.IntentOffice && (row.OutOfScope() || a.ProcedureID == "") {
				// A desk question the guides cannot answer ("thứ 7 một cửa có
				// làm việc không"), or one the engine declines without the
				// directory: the desk instead
				// of a refusal, never instead of a procedure.
				office++
				continue
			}
			if a.ProcedureID != b.ProcedureID || a.Section != b.Section || a.Intent != b.Intent {
				if isFrozen[file] {
					// A frozen set is never read: its line only.
					t.Errorf("%s:%d: the answer differs with the office directory", filepath.Base(file), row.Line)
					continue
				}
				t.Errorf("%s:%d %q: %s %s/%s without the directory, %s %s/%s with it", filepath.Base(file), row.Line, q, a.Intent, a.ProcedureID, a.Section, b.Intent, b.ProcedureID, b.Section)
			}
			if b.Section == bot.SectionAgency {
				agency++
				if strings.Contains(b.Replies[0].Text, "Bạn ở xã/phường nào?") {
					asked++
				}
			}
		}
	}
	t.Logf("%d questions, %d agency answers, %d of them ask the commune; %d desk questions answered from the directory", n, agency, asked, office)
	if office == 0 && !raceDetector {
		t.Error("no desk question was answered from the directory")
	}
}
