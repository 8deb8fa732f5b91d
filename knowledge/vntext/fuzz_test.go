package vntext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzNormalise: Clean, Fold and Key are idempotent, keep valid UTF-8 valid
// and leave no outer or doubled white space.
func FuzzNormalise(f *testing.F) {
	for _, s := range []string{"Làm lại CCCD cần giấy tờ gì?", "lam lai cccd", "Đăng  ký\tkhai\u200bsinh", "Hộ chiếu\u0301", "x\ufeffy\r\n", "ĐƯỜNG", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := Clean(s)
		if Clean(c) != c {
			t.Fatalf("Clean not idempotent: %q → %q → %q", s, c, Clean(c))
		}
		if c != strings.TrimSpace(c) || strings.Contains(c, "  ") {
			t.Fatalf("Clean(%q) = %q keeps outer or doubled spaces", s, c)
		}
		if utf8.ValidString(s) && !utf8.ValidString(c) {
			t.Fatalf("Clean(%q) is not valid UTF-8", s)
		}
		fo := Fold(s)
		if Fold(fo) != fo {
			t.Fatalf("Fold not idempotent: %q → %q → %q", s, fo, Fold(fo))
		}
		k := Key(s)
		if Key(k) != k {
			t.Fatalf("Key not idempotent: %q → %q → %q", s, k, Key(k))
		}
	})
}
