package dossier

import (
	"errors"
	"regexp"
	"testing"

	"github.com/dvcbot/dvcbot/bot"
)

// FuzzParse: an import is refused as a whole (ErrMalformed) or every row is
// valid or carries its error; CSV rows come with increasing line numbers.
func FuzzParse(f *testing.F) {
	f.Add([]byte("code,status,applicant_phone\nH57.22-241022-0015,received,0912345678\n"))
	f.Add([]byte("code,status,note\nH57.22-241022-0015,received,\"a, \"\"b\"\"\nc\"\n"))
	f.Add([]byte("code,status\nH57.22-241022-0015,\"never closed\nH57.22-241022-0016,received\n"))
	f.Add([]byte(`[{"code":"H57.22-241022-0015","status":"received","applicant_phone":912345678}, 5, null]`))
	f.Add([]byte("\ufeffcode;status\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := Parse(data)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v is not ErrMalformed", err)
			}
			return
		}
		last := 0
		for i, r := range rows {
			if r.Index != i {
				t.Fatalf("row %d has index %d", i, r.Index)
			}
			if r.Err == nil {
				if err := r.Dossier.Validate(); err != nil {
					t.Fatalf("row %d accepted but invalid: %v", i, err)
				}
			}
			if r.Line != 0 {
				if r.Line <= last {
					t.Fatalf("row %d starts at line %d after line %d", i, r.Line, last)
				}
				last = r.Line
			}
		}
	})
}

// FuzzDossierCode: a code found in chat text normalises idempotently, is found
// whole again in its normal form, and hashes the same in any case.
func FuzzDossierCode(f *testing.F) {
	re := regexp.MustCompile(bot.DefaultDossierPattern)
	f.Add("cho hỏi hồ sơ 000.00.12.H57-241022-0001 đến đâu rồi")
	f.Add("h57.22-241022-0015 5678")
	f.Add("H57.22-241022-001")
	f.Add("mã: A.B.C.D.E.F-000000-000000")
	f.Fuzz(func(t *testing.T, text string) {
		code := re.FindString(text)
		if code == "" {
			return
		}
		n := NormalizeCode(code)
		if NormalizeCode(n) != n {
			t.Fatalf("NormalizeCode not idempotent on %q", code)
		}
		if got := re.FindString(n); got != n {
			t.Fatalf("normal form %q of %q is found as %q", n, code, got)
		}
		if CodeHash(code) != CodeHash(n) {
			t.Fatalf("hash differs between %q and %q", code, n)
		}
	})
}
