package knowledge_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/dvcbot/dvcbot/knowledge"
)

func guideExamples() []knowledge.GuideExample {
	var ex []knowledge.GuideExample
	add := func(ids []string, qs ...string) {
		for _, q := range qs {
			ex = append(ex, knowledge.GuideExample{Folded: strings.Fields(q), IDs: ids})
		}
	}
	add([]string{"cap-lai-dang-ky-xe"}, "mat ca vet xe lam lai o dau", "ca vet xe bi mat", "lam lai ca vet xe may", "ca vet xe rach lam lai")
	add([]string{"tro-cap-xa-hoi"}, "tien gia hang thang cho ba", "ba noi 85 tuoi lanh tien gia", "tien gia hang thang o dau", "ong 80 tuoi co tien gia khong")
	add(nil, "gia vang hom nay", "gia vang tang khong", "mua vang o dau", "vang mieng gia bao nhieu")
	return ex
}

func TestFitGuideModel(t *testing.T) {
	m := knowledge.FitGuideModel(guideExamples())
	for _, c := range []struct{ q, want string }{
		{"ca vet xe mat roi", "cap-lai-dang-ky-xe"},
		{"tien gia hang thang", "tro-cap-xa-hoi"},
		{"gia vang", knowledge.GuideNone},
	} {
		if id, p := m.Best(strings.Fields(c.q)); id != c.want || p < 0.5 {
			t.Errorf("Best(%q) = %s %.2f, want %s", c.q, id, p, c.want)
		}
	}
	if id, p := (knowledge.GuideModel{}).Best([]string{"ca", "vet"}); id != "" || p != 0 {
		t.Errorf("the zero model recognises %s %.2f", id, p)
	}
}

func TestGuideModelFile(t *testing.T) {
	m := knowledge.FitGuideModel(guideExamples())
	var b strings.Builder
	if err := m.Write(&b, []string{"test"}); err != nil {
		t.Fatal(err)
	}
	back, err := knowledge.ParseGuideModel("g.tsv", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"ca vet xe mat roi", "tien gia hang thang", "lam the nao"} {
		id1, p1 := m.Best(strings.Fields(q))
		id2, p2 := back.Best(strings.Fields(q))
		if id1 != id2 || p1-p2 > 1e-3 || p2-p1 > 1e-3 {
			t.Errorf("%q: %s %.4f before writing, %s %.4f after", q, id1, p1, id2, p2)
		}
	}
	for _, c := range []struct {
		file string
		line int
	}{
		{"a\t(prior)\t1\na\t(total)\t3\na\tu:x\n", 3},
		{"a\t(prior)\t1\na\tu:x\t-2\n", 2},
		{"a\t(prior)\t1\na\tu:x\tmany\n", 2},
		{"a\tu:x\t2\n", 0}, // no prior nor total
	} {
		_, err := knowledge.ParseGuideModel("bad.tsv", []byte(c.file))
		var fe *knowledge.FieldError
		if !errors.As(err, &fe) || fe.File != "bad.tsv" || fe.Line != c.line {
			t.Errorf("%q: error %v, want a FieldError at line %d", c.file, err, c.line)
		}
	}
}

func TestSeedGuideModel(t *testing.T) {
	m, err := knowledge.LoadSeedGuideModel()
	if err != nil {
		t.Fatal(err)
	}
	if id, _ := m.Best(strings.Fields("lam lai can cuoc bi mat")); id == "" {
		t.Error("the bundled guide model recognises nothing")
	}
}
