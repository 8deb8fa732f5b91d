// Package csvsafe keeps spreadsheet formulas out of exported files (CSV or
// Excel): a cell that starts with = + - @ (or a tab or carriage return, which
// spreadsheets skip before reading such a formula) is prefixed with a single
// quote, which spreadsheets show as text. Unescape undoes it on import, so an
// export round-trips. It imports nothing of the project.
package csvsafe

import (
	"encoding/csv"
	"io"
	"strings"
)

// risky reports whether a spreadsheet could read s as a formula.
func risky(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}

// Cell returns s safe to put in a spreadsheet cell. A value that already
// starts with a quote before a formula character gets one more, so that
// Unescape(Cell(s)) == s for every s.
func Cell(s string) string {
	if risky(s) || (strings.HasPrefix(s, "'") && risky(s[1:])) {
		return "'" + s
	}
	return s
}

// Unescape undoes Cell: a single quote before a formula character is removed.
func Unescape(s string) string {
	if strings.HasPrefix(s, "'") && risky(s[1:]) {
		return s[1:]
	}
	return s
}

// Writer is a csv.Writer that neutralises every cell it writes.
type Writer struct{ *csv.Writer }

// NewWriter returns a Writer on w.
func NewWriter(w io.Writer) *Writer { return &Writer{csv.NewWriter(w)} }

// Write writes one record with every cell passed through Cell.
func (w *Writer) Write(rec []string) error {
	safe := make([]string, len(rec))
	for i, c := range rec {
		safe[i] = Cell(c)
	}
	return w.Writer.Write(safe)
}
