package dossier

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/dvcbot/dvcbot/internal/csvsafe"
)

// Row is one imported record: the dossier, or why it was rejected.
type Row struct {
	Index   int // 0-based position in the input (data rows only for CSV)
	Line    int // CSV: the 1-based line where the row starts (0 for JSON)
	Dossier Dossier
	Err     error
}

// ErrMalformed wraps input that cannot be read at all (not a JSON array, no CSV
// header...). Row-level problems are reported per row instead.
var ErrMalformed = errors.New("malformed import")

// importFields are the contract's dossier fields, in CSV header spelling.
var importFields = []string{"code", "procedure_id", "procedure_name", "applicant_name", "applicant_phone", "status", "received_at", "due_at", "completed_at", "agency", "note"}

// Parse reads a JSON array of dossiers, or CSV with a header row when the input
// does not start with '['. Each row is validated; a row's error names the field.
func Parse(data []byte) ([]Row, error) {
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	trimmed = bytes.TrimPrefix(trimmed, []byte("\ufeff"))
	if len(trimmed) == 0 {
		return nil, fmt.Errorf("%w: empty body; send a JSON array or CSV with a header row", ErrMalformed)
	}
	if trimmed[0] == '[' {
		return parseJSON(trimmed)
	}
	if trimmed[0] == '{' {
		return nil, fmt.Errorf("%w: send a JSON array of dossiers, not a single object", ErrMalformed)
	}
	return parseCSV(trimmed)
}

func parseJSON(data []byte) ([]Row, error) {
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("%w: not a valid JSON array: %v", ErrMalformed, err)
	}
	rows := make([]Row, len(raw))
	for i, r := range raw {
		rows[i].Index = i
		var m map[string]any
		if err := json.Unmarshal(r, &m); err != nil {
			rows[i].Err = fmt.Errorf("not a JSON object: %v", err)
			continue
		}
		rec := map[string]string{}
		for k, v := range m {
			switch v := v.(type) {
			case string:
				rec[k] = v
			case float64:
				rec[k] = strings.TrimSuffix(fmt.Sprintf("%.0f", v), ".0")
			case nil:
			default:
				rows[i].Err = fieldErr(k, "must be a string")
			}
		}
		if rows[i].Err == nil {
			rows[i].Dossier, rows[i].Err = fromRecord(rec)
		}
	}
	return rows, nil
}

// parseCSV reads CSV strictly: a quote problem (a quoted field never closed, a
// bare quote inside an unquoted field) refuses the whole file with the line
// where the broken row starts, since every row after it would be misread; a row
// with more or fewer cells than the header is rejected with its lines. Nothing
// is dropped silently: every data row is either imported or reported.
func parseCSV(data []byte) ([]Row, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%w: CSV header, line %d: %v; nothing was imported", ErrMalformed, pe.StartLine, pe.Err)
		}
		return nil, fmt.Errorf("%w: cannot read the CSV header: %v", ErrMalformed, err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		col[h] = i
	}
	if _, ok := col["code"]; !ok {
		return nil, fmt.Errorf("%w: the CSV header must name the columns (code, status, applicant_phone, ...); got %q", ErrMalformed, strings.Join(header, ","))
	}
	var rows []Row
	for i := 0; ; i++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("%w: CSV line %d: %v (a quote opened there is not closed, or a quote stands inside an unquoted cell; put cells that hold quotes, commas or line breaks in double quotes and double the quotes inside); nothing was imported", ErrMalformed, pe.StartLine, csvProblem(pe))
			}
			return nil, fmt.Errorf("%w: reading CSV: %v", ErrMalformed, err)
		}
		start, _ := r.FieldPos(0)
		end, _ := r.FieldPos(len(rec) - 1)
		row := Row{Index: i, Line: start}
		if len(rec) != len(header) {
			lines := fmt.Sprintf("line %d", start)
			if end > start {
				lines = fmt.Sprintf("lines %d-%d", start, end)
			}
			row.Err = fmt.Errorf("%s: %d cells, the header has %d", lines, len(rec), len(header))
			rows = append(rows, row)
			continue
		}
		m := map[string]string{}
		for name, idx := range col {
			m[name] = csvsafe.Unescape(rec[idx])
		}
		row.Dossier, row.Err = fromRecord(m)
		if row.Err != nil {
			row.Err = fmt.Errorf("line %d: %w", start, row.Err)
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// csvProblem says a parse error in words.
func csvProblem(pe *csv.ParseError) string {
	switch {
	case errors.Is(pe.Err, csv.ErrQuote):
		return "a quoted cell is not closed, or text follows its closing quote"
	case errors.Is(pe.Err, csv.ErrBareQuote):
		return fmt.Sprintf("a bare quote in an unquoted cell (line %d, column %d)", pe.Line, pe.Column)
	}
	return pe.Err.Error()
}

// fromRecord builds and validates a dossier from named string fields.
func fromRecord(m map[string]string) (Dossier, error) {
	d := Dossier{
		Code: m["code"], ProcedureID: m["procedure_id"], ProcedureName: m["procedure_name"],
		ApplicantName: m["applicant_name"], ApplicantPhone: m["applicant_phone"], Status: m["status"],
		Agency: m["agency"], Note: m["note"],
	}
	for _, f := range []struct {
		name string
		dst  **time.Time
	}{{"received_at", &d.ReceivedAt}, {"due_at", &d.DueAt}, {"completed_at", &d.CompletedAt}} {
		v := strings.TrimSpace(m[f.name])
		if v == "" {
			continue
		}
		t, err := parseTime(v)
		if err != nil {
			return d, fieldErr(f.name, err.Error())
		}
		*f.dst = &t
	}
	return d, d.Validate()
}

// parseTime accepts RFC 3339, or a date (taken as midnight Vietnam time).
func parseTime(v string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UTC(), nil
	}
	for _, layout := range []string{"2006-01-02", "02/01/2006"} {
		if t, err := time.ParseInLocation(layout, v, vnZone); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time (e.g. 2024-10-22T08:00:00+07:00)", v)
}

var vnZone = time.FixedZone("ICT", 7*3600)
