package knowledge

import (
	"bytes"
	"io/fs"
	"testing"
)

func addSeedProcedures(f *testing.F, n int) {
	f.Helper()
	entries, err := fs.ReadDir(SeedFS(), "procedures")
	if err != nil {
		f.Fatal(err)
	}
	for i, e := range entries {
		if i >= n {
			break
		}
		data, err := fs.ReadFile(SeedFS(), "procedures/"+e.Name())
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// FuzzParseYAML: any file is refused with an error or gives a procedure with a
// valid id that exports to YAML again; nothing panics.
func FuzzParseYAML(f *testing.F) {
	addSeedProcedures(f, 3)
	f.Add([]byte("id: x\n"))
	f.Add([]byte("- a\n- b\n"))
	f.Add([]byte("id: &a [*a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseYAML("fuzz.yaml", data)
		if err != nil {
			return
		}
		if !IsValidID(p.ID) {
			t.Fatalf("accepted a procedure with id %q", p.ID)
		}
		if _, err := MarshalYAMLFile(p); err != nil {
			t.Fatalf("accepted procedure does not export: %v", err)
		}
	})
}

// FuzzDecodeJSON: staff JSON is refused with an error or gives a procedure
// with a valid id; nothing panics.
func FuzzDecodeJSON(f *testing.F) {
	f.Add([]byte(`{"id":"dang-ky-khai-sinh","title":"Đăng ký khai sinh","summary":"x","documents":["Tờ khai",{"name":"Giấy chứng sinh"}],"steps":["Nộp"],"fees":"Miễn phí"}`))
	f.Add([]byte(`{"id":"X"}`))
	f.Add([]byte(`{"documents":[1]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := DecodeJSON(bytes.NewReader(data))
		if err != nil {
			return
		}
		if !IsValidID(p.ID) {
			t.Fatalf("accepted a procedure with id %q", p.ID)
		}
	})
}
