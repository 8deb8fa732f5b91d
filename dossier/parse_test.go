package dossier

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

const csvHeader = "code,status,applicant_phone,note\n"

func csvRows(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "H57.22-241022-%04d,received,0912345678,ghi chú %d\n", i, i)
	}
	return b.String()
}

// A quote problem refuses the whole file and names the line where the broken
// row starts: no row after it is lost silently.
func TestParseCSVRefusesBrokenQuotes(t *testing.T) {
	tests := []struct {
		name, csv, wantLine string
	}{
		{"unterminated quote swallows the rest", csvHeader + csvRows(3) + "H57.22-241022-0100,received,0912345678,\"never closed\n" + csvRows(97), "line 5"},
		{"bare quote inside a cell", csvHeader + csvRows(2) + "H57.22-241022-0100,received,0912345678,a \"quoted\" word\n" + csvRows(5), "line 4"},
		{"text after a closing quote", csvHeader + "H57.22-241022-0100,\"received\"x,0912345678,\n", "line 2"},
		{"broken header", "code,\"status\n" + csvRows(2), "line 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := Parse([]byte(tt.csv))
			if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tt.wantLine) || !strings.Contains(err.Error(), "nothing was imported") {
				t.Fatalf("Parse = %d rows, %v; want the file refused at %s", len(rows), err, tt.wantLine)
			}
		})
	}
}

// Every data row is imported or reported with its line; quoted cells with
// commas, quotes and line breaks are fine.
func TestParseCSVReportsEveryRow(t *testing.T) {
	csv := csvHeader +
		"H57.22-241022-0001,received,0912345678,\"a note, with a comma and \"\"quotes\"\"\nand a second line\"\n" + // lines 2-3
		"H57.22-241022-0002,received,0912345678\n" + // line 4: a cell short
		"H57.22-241022-0003,received,0912345678,x,extra\n" + // line 5: a cell too many
		"H57.22-241022-0004,bogus,0912345678,\n" + // line 6: bad status
		"H57.22-241022-0005,received,'+84912345678,'=1+1\n" // line 7: neutralised cells from an export
	rows, err := Parse([]byte(csv))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 {
		t.Fatalf("%d rows, want 5", len(rows))
	}
	if rows[0].Err != nil || !strings.HasPrefix(rows[0].Dossier.Note, "a note, with a comma and \"quotes\"") || !strings.HasSuffix(rows[0].Dossier.Note, "second line") || rows[0].Line != 2 {
		t.Fatalf("row 1: %+v", rows[0])
	}
	for i, want := range map[int]string{1: "line 4: 3 cells, the header has 4", 2: "line 5: 5 cells", 3: "line 6"} {
		if rows[i].Err == nil || !strings.Contains(rows[i].Err.Error(), want) {
			t.Errorf("row %d: %v, want %q", i+1, rows[i].Err, want)
		}
	}
	var fe *FieldError
	if !errors.As(rows[3].Err, &fe) || fe.Field != "status" {
		t.Errorf("row 4 lost its field: %v", rows[3].Err)
	}
	if d := rows[4].Dossier; rows[4].Err != nil || d.ApplicantPhone != "+84912345678" || d.Note != "=1+1" {
		t.Errorf("neutralised cells not restored: %+v %v", d, rows[4].Err)
	}
}
