package knowledge

import (
	"bufio"
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

func TestSeedLoadsAndCoversEveryID(t *testing.T) {
	res, err := LoadSeed()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.Errors {
		t.Errorf("seed file error: %v", e)
	}
	have := map[string]Procedure{}
	for _, p := range res.Procedures {
		have[p.ID] = p
	}
	f, err := os.Open("../../shared/kb/coverage.tsv")
	if err != nil {
		t.Skipf("coverage list not available: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		id := strings.SplitN(sc.Text(), "\t", 2)[0]
		if id == "" {
			continue
		}
		p, ok := have[id]
		if !ok {
			t.Errorf("coverage id %s missing from the seed", id)
			continue
		}
		if len(p.Documents) == 0 || len(p.Steps) == 0 || p.ProcessingTime == "" || p.Agency == "" || (p.Fees.Text == "" && p.Fees.Amount == nil) {
			t.Errorf("%s: incomplete", id)
		}
	}
}

func TestLoadDirReportsBrokenFilesAndKeepsTheRest(t *testing.T) {
	good, err := SeedFS().(interface{ ReadFile(string) ([]byte, error) }).ReadFile("procedures/dang-ky-khai-sinh.yaml")
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{
		"p/dang-ky-khai-sinh.yaml": {Data: good},
		"p/bad-yaml.yaml":          {Data: []byte("id: bad-yaml\ntitle: [unclosed\n")},
		"p/missing.yaml":           {Data: []byte("id: missing\ntitle: Thiếu trường\nfield: Hộ tịch\n")},
		"p/typo.yaml":              {Data: []byte(strings.Replace(string(good), "steps:", "stepz:", 1))},
		"p/other-name.yaml":        {Data: good},
		"p/README.md":              {Data: []byte("not a procedure")},
	}
	res, err := LoadDir(fsys, "p")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Procedures) != 1 || res.Procedures[0].ID != "dang-ky-khai-sinh" {
		t.Fatalf("procedures = %v", res.Procedures)
	}
	want := map[string]string{
		"bad-yaml.yaml":   "p/bad-yaml.yaml:1: not valid YAML",
		"missing.yaml":    "p/missing.yaml: agency: is required",
		"typo.yaml":       "stepz",
		"other-name.yaml": "must match",
	}
	if len(res.Errors) != len(want) {
		t.Fatalf("errors = %v", res.Errors)
	}
	for _, e := range res.Errors {
		ok := false
		for file, sub := range want {
			if strings.Contains(e.Error(), file) && strings.Contains(e.Error(), sub) {
				ok = true
			}
		}
		if !ok {
			t.Errorf("unexpected error text: %v", e)
		}
	}
}

func TestDecodeJSONIsForgivingButStrict(t *testing.T) {
	body := `{"id":"thu-tuc-moi","title":"Thủ tục mới","field":"Khác","agency":"UBND xã","summary":"Tóm tắt",
	"documents":["Tờ khai", {"name":"Bản sao", "copies": 2}],"steps":["Nộp"],"processing_time":"3 ngày",
	"fees":"Miễn phí","online":"Chưa hỗ trợ","legal_basis":["Luật X"],"updated_at":"2026-01-02"}`
	p, err := DecodeJSON(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if p.Documents[0].Name != "Tờ khai" || p.Documents[1].Copies != "2" || p.Fees.Text != "Miễn phí" || p.Online.Text != "Chưa hỗ trợ" || p.UpdatedAt.Day() != 2 {
		t.Fatalf("decoded %+v", p)
	}
	for _, tc := range []struct{ body, field string }{
		{strings.Replace(body, `"id":"thu-tuc-moi"`, `"id":"Thủ tục"`, 1), "id"},
		{strings.Replace(body, `"steps":["Nộp"]`, `"steps":[]`, 1), "steps"},
		{strings.Replace(body, `"title"`, `"titel"`, 1), "titel"},
		{strings.Replace(body, `"steps":["Nộp"]`, `"steps":"Nộp"`, 1), "steps"},
		{strings.Replace(body, `"2026-01-02"`, `"hôm qua"`, 1), "updated_at"},
	} {
		_, err := DecodeJSON(strings.NewReader(tc.body))
		fe, ok := err.(interface{ FieldName() string })
		if !ok || fe.FieldName() != tc.field {
			t.Errorf("want error on %s, got %v", tc.field, err)
		}
	}
}

func TestYAMLRoundTrip(t *testing.T) {
	res, _ := LoadSeed()
	for _, p := range res.Procedures {
		b, err := MarshalYAMLFile(p)
		if err != nil {
			t.Fatal(err)
		}
		q, err := ParseYAML("procedures/"+p.ID+".yaml", b)
		if err != nil {
			t.Fatalf("%s: %v", p.ID, err)
		}
		if q.ContentHash() != p.ContentHash() {
			t.Fatalf("%s changed in a round trip", p.ID)
		}
	}
}
