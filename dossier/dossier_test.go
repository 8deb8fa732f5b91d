package dossier

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestMaskName(t *testing.T) {
	tests := map[string]string{
		"Nguyễn Thị Hoa":   "Nguyễn T. H.",
		"Trần Văn Bình An": "Trần V. B. A.",
		"hoa":              "H.",
		"  ":               "",
		"Đỗ ánh":           "Đỗ Á.",
	}
	for in, want := range tests {
		if got := MaskName(in); got != want {
			t.Errorf("MaskName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseRowsAndErrors(t *testing.T) {
	csv := "\ufeffcode,status,applicant_phone,due_at\n" +
		"000.00.12.H57-241022-0001,processing,0912 345 678,2024-10-25\n" +
		"H57.22-241022-0015,done,0912345678,\n" +
		",received,0912345678,\n" +
		"H57.22-241022-0016,received,12,\n" +
		"H57.22-241022-0017,received,0912345678,next week\n"
	rows, err := Parse([]byte(csv))
	if err != nil {
		t.Fatal(err)
	}
	wantField := []string{"", "status", "code", "applicant_phone", "due_at"}
	for i, r := range rows {
		var fe *FieldError
		switch {
		case wantField[i] == "" && r.Err != nil:
			t.Errorf("row %d: %v", i, r.Err)
		case wantField[i] != "" && (!errors.As(r.Err, &fe) || fe.Field != wantField[i]):
			t.Errorf("row %d: want an error on %s, got %v", i, wantField[i], r.Err)
		}
	}
	if d := rows[0].Dossier; d.DueAt == nil || d.DueAt.In(vnZone).Format("2006-01-02 15:04") != "2024-10-25 00:00" {
		t.Errorf("date in Vietnam time: %v", rows[0].Dossier.DueAt)
	}
	for _, bad := range []string{"", "{}", "[1,", "not,a\nheader,row"} {
		rows, err := Parse([]byte(bad))
		if bad == "not,a\nheader,row" {
			if err == nil || !errors.Is(err, ErrMalformed) {
				t.Errorf("%q: want ErrMalformed, got %v %v", bad, rows, err)
			}
			continue
		}
		if !errors.Is(err, ErrMalformed) {
			t.Errorf("%q: want ErrMalformed, got %v", bad, err)
		}
	}
	rows, err = Parse([]byte(`[{"code":"H57.22-241022-0015","status":"received","applicant_phone":912345678}, 5]`))
	if err != nil || rows[0].Err != nil || rows[1].Err == nil {
		t.Fatalf("json rows: %v %v", rows, err)
	}
}

func TestViewAndNextSteps(t *testing.T) {
	due := time.Date(2024, 10, 25, 10, 0, 0, 0, time.UTC)
	d := Dossier{Code: "H57.22-241022-0015", Status: "supplement_required", ApplicantName: "Lê Thị Lan", ApplicantPhone: "0912345678", DueAt: &due, Note: "Thiếu tờ khai"}
	v := View(d, due.Add(time.Hour))
	if !v.Overdue || v.MaskedName != "Lê T. L." || v.StatusLabel != "Yêu cầu bổ sung hồ sơ" || !strings.Contains(v.NextStep, "bổ sung") {
		t.Fatalf("view: %+v", v)
	}
	d.Status = "completed"
	if View(d, due.Add(time.Hour)).Overdue {
		t.Fatal("a finished dossier is never overdue")
	}
	if !lastDigitsMatch("0912 345 678", "5678") || lastDigitsMatch("0912345678", "1234") || lastDigitsMatch("", "0000") || lastDigitsMatch("0912345678", "678") {
		t.Fatal("lastDigitsMatch")
	}
}
