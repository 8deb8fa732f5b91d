package csvsafe

import (
	"bytes"
	"encoding/csv"
	"testing"
)

func TestCellAndUnescape(t *testing.T) {
	for _, s := range []string{"=HYPERLINK(\"http://x\")", "+84912345678", "-1", "@SUM(A1)", "\t=1", "plain", "", "'quoted", "a=b"} {
		if got := Unescape(Cell(s)); got != s {
			t.Errorf("Unescape(Cell(%q)) = %q", s, got)
		}
	}
	for s, want := range map[string]string{"=1+1": "'=1+1", "+84": "'+84", "-x": "'-x", "@x": "'@x", "ok": "ok", "'=1": "''=1"} {
		if got := Cell(s); got != want {
			t.Errorf("Cell(%q) = %q, want %q", s, got, want)
		}
	}
	var buf bytes.Buffer
	w := NewWriter(&buf)
	_ = w.Write([]string{"=cmd|' /C calc'!A0", "an"})
	w.Flush()
	rec, err := csv.NewReader(&buf).Read()
	if err != nil || rec[0] != "'=cmd|' /C calc'!A0" || rec[1] != "an" {
		t.Fatalf("written %q, %v", rec, err)
	}
}
