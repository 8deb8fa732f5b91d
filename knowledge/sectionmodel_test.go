package knowledge_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/dvcbot/dvcbot/knowledge"
)

func sectionExamples() []knowledge.SectionExample {
	var ex []knowledge.SectionExample
	add := func(section string, qs ...string) {
		for _, q := range qs {
			ex = append(ex, knowledge.SectionExample{Folded: strings.Fields(q), Section: section})
		}
	}
	add("steps", "lam giay to sang ten the nao", "lam giay to cho con ntn", "giay to lam ra sao", "thu tuc lam the nao")
	add("documents", "can giay to gi", "mang theo giay to gi", "ho so gom giay to gi", "can nhung giay gi")
	add("fees", "het bao nhieu tien", "le phi bao nhieu", "mat bao nhieu tien", "phi bao nhieu tien")
	return ex
}

func TestFitSectionModel(t *testing.T) {
	m := knowledge.FitSectionModel(sectionExamples())
	for _, c := range []struct{ q, want string }{
		{"sang ten dat lam giay to the nao", "steps"},
		{"sang ten dat can giay to gi", "documents"},
		{"sang ten dat het bao nhieu tien", "fees"},
	} {
		if s, p := m.Best(strings.Fields(c.q)); s != c.want || p < 0.5 {
			t.Errorf("Best(%q) = %s %.2f, want %s", c.q, s, p, c.want)
		}
	}
	if s, p := (knowledge.SectionModel{}).Best([]string{"giay", "to"}); s != "" || p != 0 {
		t.Errorf("the zero model reads %s %.2f", s, p)
	}
}

func TestSectionModelFile(t *testing.T) {
	m := knowledge.FitSectionModel(sectionExamples())
	var b strings.Builder
	if err := m.Write(&b, []string{"test"}); err != nil {
		t.Fatal(err)
	}
	back, err := knowledge.ParseSectionModel("s.tsv", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"lam giay to the nao", "can giay to gi", "bao nhieu tien", "xin chao"} {
		s1, p1 := m.Best(strings.Fields(q))
		s2, p2 := back.Best(strings.Fields(q))
		if s1 != s2 || p1-p2 > 0.02 || p2-p1 > 0.02 {
			t.Errorf("%q: %s %.4f before writing, %s %.4f after", q, s1, p1, s2, p2)
		}
	}
	for _, c := range []struct {
		file string
		line int
	}{
		{"steps\t(bias)\t0.1\nsteps\tu:x\n", 2},
		{"steps\t(bias)\t0.1\nsteps\tu:x\tmany\n", 2},
		{"steps\t(bias)\tNaN\n", 1},
		{"# c\nsteps\tu:x\t0.5\n", 2}, // a weight before its section's bias
	} {
		_, err := knowledge.ParseSectionModel("bad.tsv", []byte(c.file))
		var fe *knowledge.FieldError
		if !errors.As(err, &fe) || fe.File != "bad.tsv" || fe.Line != c.line {
			t.Errorf("%q: error %v, want a FieldError at line %d", c.file, err, c.line)
		}
	}
}

func TestSeedSectionModel(t *testing.T) {
	m, err := knowledge.LoadSeedSectionModel()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ q, want string }{
		{"lam can cuoc can giay to gi", "documents"},
		{"le phi lam ho chieu bao nhieu tien", "fees"},
	} {
		if s, _ := m.Best(strings.Fields(c.q)); s != c.want {
			t.Errorf("the bundled model reads %q as %s, want %s", c.q, s, c.want)
		}
	}
}
