// Package catalog reads the official procedure catalogue that provinces and the
// national database of administrative procedures publish (JSON Lines, a JSON
// array, CSV or Excel .xlsx with the portal's Vietnamese column headers) and
// turns each record into a knowledge.Procedure of kind "official", cleaned of the
// boilerplate such records carry (numbering, legal preambles, placeholders).
//
// Reading is streaming: a Reader yields one Entry per record, so a province's
// whole catalogue never has to be held as one string (an .xlsx file, being a zip
// archive, is the exception: it is read whole). A record that cannot be used is
// an Entry with Err set and its row number; the good records around it are
// unaffected. Input that cannot be read at all (no header row, a JSON syntax
// error inside an array, a CSV quote left open) is an error wrapping
// ErrMalformed, with the line where it went wrong.
//
// The package imports only knowledge, vntext and excelize; the store and the
// HTTP layer use it, never the other way round.
package catalog

import (
	"errors"
	"fmt"
	"mime"
	"path"
	"strings"

	"github.com/dvcbot/dvcbot/knowledge"
)

// Errors wrapped by Open and Reader.Next.
var (
	// ErrMalformed: the input cannot be read as a catalogue at all.
	ErrMalformed = errors.New("malformed catalogue")
	// ErrUnknownFormat: the file type is neither JSON Lines, JSON, CSV nor .xlsx.
	ErrUnknownFormat = errors.New("unknown catalogue format")
)

// Format is a catalogue file type.
type Format string

// Catalogue formats.
const (
	FormatJSONL Format = "jsonl"
	FormatJSON  Format = "json"
	FormatCSV   Format = "csv"
	FormatXLSX  Format = "xlsx"
)

// Entry is one catalogue record: the procedure to store, or why the record was
// rejected. Row is where a person finds the record in the file: the sheet row
// for CSV and Excel (the header is a row too), the line for JSON Lines, the
// 1-based position of the element for a JSON array.
type Entry struct {
	Row       int
	Code      string
	Procedure knowledge.Procedure // valid (Validate passed) when Err is nil
	Withdrawn bool                // the record is marked "Hết hiệu lực"
	Err       error
}

// IDFor is the procedure id of a national code: "tthc-" and the code with dots
// as dashes, lower case (1.001193 → tthc-1-001193).
func IDFor(code string) string {
	return "tthc-" + strings.ToLower(strings.ReplaceAll(strings.TrimSpace(code), ".", "-"))
}

// DetectFormat names the format of a file from its name (.jsonl, .ndjson, .json,
// .csv, .xlsx) or, failing that, its media type. Both empty (or a generic
// application/octet-stream) give "" and no error: Open then looks at the first
// bytes. Anything else recognisable but unsupported (.xls, .pdf, …) wraps
// ErrUnknownFormat.
func DetectFormat(filename, contentType string) (Format, error) {
	switch ext := strings.ToLower(path.Ext(strings.ReplaceAll(filename, "\\", "/"))); ext {
	case ".jsonl", ".ndjson":
		return FormatJSONL, nil
	case ".json":
		return FormatJSON, nil
	case ".csv":
		return FormatCSV, nil
	case ".xlsx":
		return FormatXLSX, nil
	case "":
	case ".xls":
		return "", fmt.Errorf("%w: %s is the old Excel format; save it as .xlsx (Excel Workbook)", ErrUnknownFormat, path.Base(filename))
	default:
		return "", fmt.Errorf("%w: %q; send .jsonl, .json, .csv or .xlsx", ErrUnknownFormat, ext)
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return "", nil
	}
	switch mt {
	case "application/x-ndjson", "application/jsonl", "application/x-jsonlines", "application/json-lines", "application/jsonlines":
		return FormatJSONL, nil
	case "application/json", "text/json":
		return FormatJSON, nil
	case "text/csv", "application/csv", "text/comma-separated-values":
		return FormatCSV, nil
	case "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
		return FormatXLSX, nil
	case "application/octet-stream", "text/plain", "application/x-www-form-urlencoded":
		return "", nil
	case "application/vnd.ms-excel":
		return "", fmt.Errorf("%w: the old Excel format (.xls); save it as .xlsx (Excel Workbook)", ErrUnknownFormat)
	}
	return "", fmt.Errorf("%w: Content-Type %q; send .jsonl, .json, .csv or .xlsx", ErrUnknownFormat, mt)
}

// Report is what one import did: how many records were created, updated,
// withdrawn (marked "Hết hiệu lực") or already as in the file, and every
// rejected row with its reason. Records staff changed by hand are left alone and
// listed in KeptStaffEdit.
type Report struct {
	Created       int         `json:"created" bson:"created"`
	Updated       int         `json:"updated" bson:"updated"`
	Withdrawn     int         `json:"withdrawn" bson:"withdrawn"`
	Unchanged     int         `json:"unchanged" bson:"unchanged"`
	Rejected      []Rejection `json:"rejected" bson:"rejected"`
	KeptStaffEdit []string    `json:"kept_staff_edit,omitempty" bson:"kept_staff_edit,omitempty"`
}

// Rejection is one row that was not imported.
type Rejection struct {
	Row   int    `json:"row" bson:"row"`
	Code  string `json:"code" bson:"code"`
	Error string `json:"error" bson:"error"`
}

// Reject adds e (which has Err set) to the report.
func (r *Report) Reject(e Entry) {
	msg := "rejected"
	if e.Err != nil {
		msg = e.Err.Error()
	}
	r.Rejected = append(r.Rejected, Rejection{Row: e.Row, Code: e.Code, Error: msg})
}

// Total is the number of rows the report accounts for.
func (r Report) Total() int {
	return r.Created + r.Updated + r.Withdrawn + r.Unchanged + len(r.Rejected) + len(r.KeptStaffEdit)
}
