package knowledge_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/dvcbot/dvcbot/knowledge"
)

func TestScopeFeatures(t *testing.T) {
	got := knowledge.ScopeFeatures(strings.Fields("co bi phat khong co bi phat"))
	for _, want := range []string{"u:co", "u:phat", "b:co_bi", "b:khong_co", "t1:phat", "t:bi_phat", "t:khong_co"} {
		if !slices.Contains(got, want) {
			t.Errorf("features %v lack %s", got, want)
		}
	}
	seen := map[string]bool{}
	for _, f := range got {
		if seen[f] {
			t.Errorf("feature %s twice", f)
		}
		seen[f] = true
	}
	long := knowledge.ScopeFeatures(strings.Fields("a b c d e f g h"))
	if slices.Contains(long, "t1:b") || !slices.Contains(long, "t1:c") {
		t.Errorf("the asking tail is the last six words: %v", long)
	}
}

func TestParseScopeModel(t *testing.T) {
	m, err := knowledge.ParseScopeModel("m.tsv", []byte("# comment\n\n(bias)\t-1.5\nu:phat\t2\nt:bi_phat\t0.5\n"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Bias != -1.5 || m.Weights["u:phat"] != 2 || len(m.Weights) != 2 {
		t.Fatalf("parsed %+v", m)
	}
	if p := m.Probability([]string{"bi", "phat"}); p < 0.73 || p > 0.74 { // sigmoid(1)
		t.Errorf("Probability = %.3f, want sigmoid(-1.5+2+0.5)", p)
	}
	var b strings.Builder
	if err := m.Write(&b, []string{"header"}); err != nil {
		t.Fatal(err)
	}
	back, err := knowledge.ParseScopeModel("back.tsv", []byte(b.String()))
	if err != nil || back.Bias != m.Bias || len(back.Weights) != 2 || !strings.HasPrefix(b.String(), "# header\n") {
		t.Errorf("round trip: %+v %v from %q", back, err, b.String())
	}
	for _, bad := range []string{"u:phat 2\n", "u:phat\tmany\n", "\t1\n", "u:x\tNaN\n"} {
		_, err := knowledge.ParseScopeModel("bad.tsv", []byte("(bias)\t0\n"+bad))
		var fe *knowledge.FieldError
		if !errors.As(err, &fe) || fe.File != "bad.tsv" || fe.Line != 2 {
			t.Errorf("%q: error %v, want a FieldError at bad.tsv line 2", bad, err)
		}
	}
	if p := (knowledge.ScopeModel{}).Probability([]string{"phat"}); p != 0 {
		t.Errorf("the zero model says %.2f, want 0", p)
	}
}

// Fitting is deterministic and learns what tells the two kinds apart.
func TestFitScopeModel(t *testing.T) {
	var ex []knowledge.ScopeExample
	for _, q := range []string{"lam ho chieu can giay to gi", "lam khai sinh o dau", "doi bang lai mat bao lau", "lam can cuoc le phi bao nhieu"} {
		ex = append(ex, knowledge.ScopeExample{Folded: strings.Fields(q)}, knowledge.ScopeExample{Folded: strings.Fields(q + " a")})
	}
	for _, q := range []string{"lam ho chieu tre co bi phat khong", "khai sinh muon co bi phat khong", "bang lai het han co bi phat khong", "can cuoc het han co bi phat khong"} {
		ex = append(ex, knowledge.ScopeExample{Folded: strings.Fields(q), Else: true})
	}
	m := knowledge.FitScopeModel(ex)
	again := knowledge.FitScopeModel(ex)
	if m.Bias != again.Bias || len(m.Weights) != len(again.Weights) {
		t.Fatal("two fits of the same examples differ")
	}
	fine, fined := m.Probability(strings.Fields("dang ky ket hon can giay to gi")), m.Probability(strings.Fields("dang ky ket hon tre co bi phat khong"))
	if fined <= 0.5 || fine >= 0.5 {
		t.Errorf("asks-else %.2f for a fine, %.2f for the papers", fined, fine)
	}
}

func TestSeedScopeModel(t *testing.T) {
	m, err := knowledge.LoadSeedScopeModel()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Weights) < 1000 {
		t.Fatalf("the bundled scope model has %d weights", len(m.Weights))
	}
}
