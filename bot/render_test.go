package bot

import (
	"strings"
	"testing"
)

func TestRenderHelpers(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Giải quyết ngay; nếu nộp sau 15 giờ thì hôm sau.", "Giải quyết ngay."},
		{"Không quá 7 ngày làm việc. Nhận qua bưu chính thì lâu hơn.", "Không quá 7 ngày làm việc."},
		{"Một dòng\nhai dòng", "Một dòng hai dòng"},
	}
	for _, tt := range tests {
		if got := firstSentence(tt.in); got != tt.want {
			t.Errorf("firstSentence(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := firstSentence(strings.Repeat("chữ ", 100)); !strings.HasSuffix(got, "…") || len([]rune(got)) > maxShort+1 {
		t.Errorf("long sentence not cut: %q", got)
	}
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1.000", 1500000: "1.500.000"} {
		if got := formatVND(n); got != want {
			t.Errorf("formatVND(%d) = %q", n, got)
		}
	}
}
