package vntext

import (
	"reflect"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Đăng ký khai sinh", "dang ky khai sinh"},
		{"CĂN CƯỚC", "can cuoc"},
		{norm.NFD.String("Sổ đỏ"), "so do"},
		{"dang ky", "dang ky"},
		{"Hộ chiếu 🇻🇳!", "ho chieu 🇻🇳!"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTokensAreFormIndependent(t *testing.T) {
	s := "Làm lại CCCD, cần giấy tờ gì?"
	want := []string{"lam", "lai", "cccd", "can", "giay", "to", "gi"}
	for _, in := range []string{s, norm.NFD.String(s), "lam lai cccd can giay to gi"} {
		if got := FoldedTokens(in); !reflect.DeepEqual(got, want) {
			t.Errorf("FoldedTokens(%q) = %v", in, got)
		}
	}
	if Key("  Làm CCCD ở đâu??") != Key("lam cccd o dau") {
		t.Error("keys differ")
	}
}

func TestClean(t *testing.T) {
	if got := Clean(" a\x00\tb\n\n c\u200b "); got != "a b c" {
		t.Errorf("Clean = %q", got)
	}
	if !HasDiacritics("giá") || HasDiacritics("gia") {
		t.Error("HasDiacritics")
	}
}

func TestUnmarkedSyllable(t *testing.T) {
	for _, c := range []struct {
		w    string
		want bool
	}{
		{"nghieng", true}, {"khuyu", true}, {"truong", true}, {"phap", true}, {"y", true},
		{"rental", false}, {"contract", false}, {"notarized", false}, {"vneid", false}, {"log", false},
	} {
		if got := UnmarkedSyllable(c.w); got != c.want {
			t.Errorf("UnmarkedSyllable(%q) = %v, want %v", c.w, got, c.want)
		}
	}
}

func TestToneless(t *testing.T) {
	for in, want := range map[string]string{"chiểu": "chiêu", "chiếu": "chiêu", "Xẻ": "xe", "đường": "đương", "căn cước": "căn cươc", "ho": "ho"} {
		if got := Toneless(in); got != want {
			t.Errorf("Toneless(%q) = %q, want %q", in, got, want)
		}
	}
}
