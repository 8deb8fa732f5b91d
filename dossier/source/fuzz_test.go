package source

import (
	"testing"

	"github.com/dvcbot/dvcbot/dossier"
)

// FuzzAnswer feeds arbitrary answers of the province's system through the
// decoding and the mapping: never a panic, and a usable answer is always the
// dossier asked for, with a contract status and 4 digits to verify.
func FuzzAnswer(f *testing.F) {
	for _, s := range []string{
		`{"data":{"maHoSo":"H57.22-241022-0015","trangThai":"Đang xử lý","soDienThoai":"0987654321","ngayHenTra":"25/10/2024"}}`,
		`{"data":{"maHoSo":"h57.22-241022-0015","trangThai":"Lạ","soDienThoai":"098****4321","ngayHenTra":1729836000000}}`,
		`{"data":null}`, `[1,2,3]`, `{"data":{"trangThai":{"a":1}}}`, `"x"`, `{"data":{"soDienThoai":4321}}`,
	} {
		f.Add([]byte(s), "masked")
	}
	cfg, err := Parse([]byte(`url: "http://x/{code}"
fields: {code: data.maHoSo, status: data.trangThai, applicant_phone: data.soDienThoai, due_at: data.ngayHenTra, applicant_name: data.chuHoSo}
statuses: {"Đang xử lý": processing, "Đã tiếp nhận": received}
`), nil)
	if err != nil {
		f.Fatal(err)
	}
	const code = "H57.22-241022-0015"
	f.Fuzz(func(t *testing.T, body []byte, phone string) {
		doc, err := decodeJSON(body)
		if err != nil {
			return
		}
		c := cfg
		c.Phone = phone
		d, _, fatal, _ := c.mapAnswer(code, doc)
		if fatal {
			return
		}
		if d.Code != code || dossier.StatusLabel(d.Status) == "" || len(digitsOf(d.ApplicantPhone)) < 4 {
			t.Fatalf("usable answer %+v from %q", d, body)
		}
	})
}
