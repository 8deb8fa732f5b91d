package catalog

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/dvcbot/dvcbot/knowledge/vntext"
)

// source yields raw records of one format. next returns the record and its
// row; rowErr when that record alone is unusable; err (io.EOF at the end) when
// reading cannot go on.
type source interface {
	next() (row int, rec Record, rowErr error, err error)
}

// Reader yields the entries of one catalogue file, in file order. It is not
// safe for concurrent use.
type Reader struct {
	ctx    context.Context
	format Format
	src    source
	seen   map[string]int // national code → row of its first occurrence
	count  int
	close  func() error
}

// headerScan is how many rows may precede the header row (a title, a date line).
const headerScan = 10

// Open starts reading a catalogue in format from r; an empty format is
// recognised from the first bytes (a zip archive is .xlsx, "[" a JSON array,
// "{" JSON Lines, anything else CSV). Tabular files must have a header row with
// at least the code and name columns within their first rows. Errors wrap
// ErrMalformed or ErrUnknownFormat, or the reader's own error (such as
// *http.MaxBytesError) when reading fails.
func Open(ctx context.Context, r io.Reader, format Format) (*Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if format == "" {
		var err error
		if format, err = sniff(br); err != nil {
			return nil, err
		}
	}
	rd := &Reader{ctx: ctx, format: format, seen: map[string]int{}, close: func() error { return nil }}
	var err error
	switch format {
	case FormatJSONL:
		rd.src, err = newJSONLSource(br)
	case FormatJSON:
		rd.src, err = newJSONSource(br)
	case FormatCSV:
		rd.src, err = newCSVSource(br)
	case FormatXLSX:
		var xs *xlsxSource
		xs, err = newXLSXSource(br)
		if err == nil {
			rd.src, rd.close = xs, xs.close
		}
	default:
		return nil, fmt.Errorf("%w: %q", ErrUnknownFormat, format)
	}
	if err != nil {
		return nil, err
	}
	return rd, nil
}

// ReadAll reads every entry of a catalogue (see Open). It fails, returning no
// entries, when the input cannot be read to its end.
func ReadAll(ctx context.Context, r io.Reader, format Format) ([]Entry, error) {
	rd, err := Open(ctx, r, format)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	return rd.all()
}

// Format is the format being read (recognised from the content when Open was
// given none).
func (r *Reader) Format() Format { return r.format }

// Next returns the next entry: a converted record, or a rejected one with Err
// and its row. A code seen earlier in the file is rejected. At the end it
// returns io.EOF; when the rest of the input cannot be read, an error wrapping
// ErrMalformed (with the line) or the reader's error.
func (r *Reader) Next() (Entry, error) {
	if r.count++; r.count%256 == 0 {
		if err := r.ctx.Err(); err != nil {
			return Entry{}, err
		}
	}
	row, rec, rowErr, err := r.src.next()
	if err != nil {
		return Entry{}, err
	}
	e := Entry{Row: row, Code: Truncate(vntext.Clean(string(rec.Code)), 60)}
	if rowErr != nil {
		e.Err = rowErr
		return e, nil
	}
	e.Procedure, e.Withdrawn, e.Err = Convert(rec)
	if e.Err == nil {
		if first, dup := r.seen[e.Code]; dup {
			e.Err = fmt.Errorf("code %s already appears in row %d", e.Code, first)
		} else {
			r.seen[e.Code] = row
		}
	}
	return e, nil
}

// Close releases what the reader holds (temporary files of a large workbook).
func (r *Reader) Close() error { return r.close() }

// sniff recognises the format from the first bytes.
func sniff(br *bufio.Reader) (Format, error) {
	head, err := br.Peek(512)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return "", err
	}
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		return FormatXLSX, nil
	}
	head = bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\ufeff")), " \t\r\n")
	switch {
	case len(head) == 0:
		return "", fmt.Errorf("%w: the file is empty", ErrMalformed)
	case head[0] == '[':
		return FormatJSON, nil
	case head[0] == '{':
		return FormatJSONL, nil
	}
	return FormatCSV, nil
}

// skipBOM drops a UTF-8 byte-order mark.
func skipBOM(br *bufio.Reader) error {
	b, err := br.Peek(3)
	if err == nil && bytes.Equal(b, []byte("\ufeff")) {
		_, err = br.Discard(3)
		return err
	}
	return nil
}

// --- JSON Lines ------------------------------------------------------------------

type jsonlSource struct {
	br   *bufio.Reader
	line int
}

func newJSONLSource(br *bufio.Reader) (*jsonlSource, error) {
	if err := skipBOM(br); err != nil {
		return nil, err
	}
	return &jsonlSource{br: br}, nil
}

func (s *jsonlSource) next() (int, Record, error, error) {
	for {
		b, err := s.br.ReadBytes('\n')
		if len(b) == 0 && err != nil {
			if errors.Is(err, io.EOF) {
				return 0, Record{}, nil, io.EOF
			}
			return 0, Record{}, nil, fmt.Errorf("catalogue: read line %d: %w", s.line+1, err)
		}
		s.line++
		b = bytes.TrimSpace(b)
		if len(b) == 0 {
			continue
		}
		if s.line == 1 && b[0] == '[' {
			return 0, Record{}, nil, fmt.Errorf("%w: line 1 starts a JSON array; send it as .json, or one record per line as .jsonl", ErrMalformed)
		}
		rec, rowErr := decodeRecord(b)
		if rowErr != nil {
			rowErr = fmt.Errorf("line %d: %w", s.line, rowErr)
		}
		return s.line, rec, rowErr, nil
	}
}

// decodeRecord reads one JSON record. Keys are matched like column headers
// (the contract's names, or the portal's Vietnamese ones); unknown keys are
// ignored. Every field that cannot be read is named in the error, and the
// record still carries what could be read (its code, for the report).
func decodeRecord(b []byte) (Record, error) {
	var rec Record
	if len(b) == 0 || b[0] != '{' {
		return rec, errors.New("not a JSON object")
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return rec, fmt.Errorf("not a valid JSON object: %s", jsonErr(err))
	}
	var probs []string
	for k, v := range m {
		dst := rec.target(headerNames[headerKey(k)])
		if dst == nil {
			continue
		}
		if err := dst.UnmarshalJSON(v); err != nil {
			probs = append(probs, k+": "+err.Error())
		}
	}
	if len(probs) > 0 {
		sort.Strings(probs)
		return rec, errors.New(strings.Join(probs, "; "))
	}
	return rec, nil
}

// jsonErr makes a decoding error readable: the field and what was wrong.
func jsonErr(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return fmt.Sprintf("%s must not be %s", te.Field, te.Value)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// --- JSON array ------------------------------------------------------------------

type jsonSource struct {
	dec *json.Decoder
	n   int
}

func newJSONSource(br *bufio.Reader) (*jsonSource, error) {
	if err := skipBOM(br); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(br)
	tok, err := dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w: the file is empty", ErrMalformed)
		}
		return nil, wrapRead(err, "not JSON")
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, fmt.Errorf("%w: a .json catalogue must be an array of records ([{...}, {...}]); for one record per line use .jsonl", ErrMalformed)
	}
	return &jsonSource{dec: dec}, nil
}

func (s *jsonSource) next() (int, Record, error, error) {
	if !s.dec.More() {
		if _, err := s.dec.Token(); err != nil {
			return 0, Record{}, nil, wrapRead(err, fmt.Sprintf("after record %d", s.n))
		}
		return 0, Record{}, nil, io.EOF
	}
	s.n++
	var raw json.RawMessage
	if err := s.dec.Decode(&raw); err != nil {
		return 0, Record{}, nil, wrapRead(err, fmt.Sprintf("record %d (byte %d)", s.n, s.dec.InputOffset()))
	}
	rec, rowErr := decodeRecord(bytes.TrimSpace(raw))
	return s.n, rec, rowErr, nil
}

// wrapRead keeps the reader's own errors (a body over its limit) and marks
// everything else as malformed input.
func wrapRead(err error, where string) error {
	var se *json.SyntaxError
	if errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: %s: %s", ErrMalformed, where, jsonErr(err))
	}
	return fmt.Errorf("catalogue: read %s: %w", where, err)
}

// --- CSV -------------------------------------------------------------------------

type csvSource struct {
	r       *csv.Reader
	h       header
	names   []string // the header cells
	record  int      // records read, the header included (= sheet row)
	pending *csvRead // read ahead after a quote error
}

func newCSVSource(br *bufio.Reader) (*csvSource, error) {
	if err := skipBOM(br); err != nil {
		return nil, err
	}
	r := csv.NewReader(br)
	r.Comma = sniffComma(br)
	r.FieldsPerRecord = -1
	s := &csvSource{r: r}
	var first []string
	for s.record < headerScan {
		rec, err := s.read()
		if errors.Is(err, io.EOF) {
			break
		}
		var re *rowError
		if errors.As(err, &re) {
			return nil, fmt.Errorf("%w: %v", ErrMalformed, re)
		}
		if err != nil {
			return nil, err
		}
		if first == nil {
			first = rec
		}
		if !utf8.ValidString(strings.Join(rec, "")) {
			return nil, fmt.Errorf("%w: line %d is not UTF-8 text; save the file as \"CSV UTF-8\"", ErrMalformed, s.line())
		}
		if h, ok := parseHeader(rec); ok {
			s.h, s.names = h, rec
			return s, nil
		}
	}
	if first == nil {
		return nil, fmt.Errorf("%w: the file is empty", ErrMalformed)
	}
	return nil, fmt.Errorf("%w: no header row naming at least \"Mã thủ tục\" and \"Tên thủ tục\" in the first %d rows (the first row has: %s)", ErrMalformed, headerScan, headerList(first))
}

// sniffComma picks ";" when the first line has more semicolons than commas
// outside quotes (Excel in a Vietnamese locale writes ";").
func sniffComma(br *bufio.Reader) rune {
	b, _ := br.Peek(br.Size())
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	commas, semis, quoted := 0, 0, false
	for _, c := range b {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == ',':
			commas++
		case c == ';':
			semis++
		}
	}
	if semis > commas {
		return ';'
	}
	return ','
}

func (s *csvSource) line() int {
	l, _ := s.r.FieldPos(0)
	return l
}

// read returns the next record. A quote error confined to one record is a
// row error (the reader goes on at the next line); a quoted cell still open at
// the end of the input swallowed every line after it, so it stops the import.
func (s *csvSource) read() ([]string, error) {
	var rec []string
	var err error
	if s.pending != nil {
		rec, err, s.pending = s.pending.rec, s.pending.err, nil
	} else {
		rec, err = s.r.Read()
	}
	if err == nil {
		s.record++
		return rec, nil
	}
	if errors.Is(err, io.EOF) {
		return nil, err
	}
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return nil, fmt.Errorf("catalogue: read CSV: %w", err)
	}
	s.record++
	if errors.Is(pe.Err, csv.ErrQuote) && pe.Line > pe.StartLine {
		next, nerr := s.r.Read()
		if errors.Is(nerr, io.EOF) {
			return nil, fmt.Errorf("%w: line %d: a quoted cell opened in this row is never closed (the file ends at line %d), so the rows after it cannot be read; check the quotes (\") of that row", ErrMalformed, pe.StartLine, pe.Line)
		}
		s.pending = &csvRead{rec: next, err: nerr}
	}
	return rec, &rowError{line: pe.Line, err: quoteMessage(pe, s.cellName(len(rec)))}
}

// cellName names the i-th cell (0-based) by its header, or by its position.
func (s *csvSource) cellName(i int) string {
	if i < len(s.names) && strings.TrimSpace(s.names[i]) != "" {
		return fmt.Sprintf("%q", vntext.Clean(s.names[i]))
	}
	return fmt.Sprintf("%d", i+1)
}

// csvRead is a record read ahead.
type csvRead struct {
	rec []string
	err error
}

// rowError is a CSV row that cannot be used, with the line of the problem.
type rowError struct {
	line int
	err  error
}

func (e *rowError) Error() string { return fmt.Sprintf("line %d: %v", e.line, e.err) }
func (e *rowError) Unwrap() error { return e.err }

func quoteMessage(pe *csv.ParseError, cell string) error {
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		return fmt.Errorf("a quote (\") inside an unquoted cell (column %s); quote the whole cell and double the quotes inside it", cell)
	case errors.Is(pe.Err, csv.ErrQuote):
		return fmt.Errorf("a stray quote (\") in a quoted cell (column %s); double the quotes inside a quoted cell (\"\")", cell)
	}
	return fmt.Errorf("column %s: %v", cell, pe.Err)
}

func (s *csvSource) next() (int, Record, error, error) {
	for {
		rec, err := s.read()
		var re *rowError
		switch {
		case errors.As(err, &re):
			return s.record, s.h.record(rec), re, nil
		case err != nil:
			return 0, Record{}, nil, err
		}
		if blank(rec) {
			continue
		}
		line := s.line()
		r := s.h.record(rec)
		switch {
		case !utf8.ValidString(strings.Join(rec, "")):
			return s.record, r, fmt.Errorf("line %d: not UTF-8 text; save the file as \"CSV UTF-8\"", line), nil
		case len(rec) != s.h.width:
			return s.record, r, fmt.Errorf("line %d: %d cells where the header has %d (a stray separator or quote?)", line, len(rec), s.h.width), nil
		}
		return s.record, r, nil, nil
	}
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// --- Excel -----------------------------------------------------------------------

type xlsxSource struct {
	f    *excelize.File
	rows *excelize.Rows
	h    header
	row  int
}

func newXLSXSource(r io.Reader) (*xlsxSource, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("catalogue: read workbook: %w", err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: not a readable .xlsx workbook: %v", ErrMalformed, err)
	}
	var firstRow []string
	for _, sheet := range f.GetSheetList() {
		rows, err := f.Rows(sheet)
		if err != nil {
			_ = f.Close()
			return nil, fmt.Errorf("%w: sheet %q: %v", ErrMalformed, sheet, err)
		}
		s := &xlsxSource{f: f, rows: rows}
		for s.row < headerScan && rows.Next() {
			s.row++
			cells, err := rows.Columns()
			if err != nil {
				break
			}
			if firstRow == nil && !blank(cells) {
				firstRow = cells
			}
			if h, ok := parseHeader(cells); ok {
				s.h = h
				return s, nil
			}
		}
		_ = rows.Close()
	}
	_ = f.Close()
	return nil, fmt.Errorf("%w: no sheet has a header row naming at least \"Mã thủ tục\" and \"Tên thủ tục\" in its first %d rows (first row found: %s)", ErrMalformed, headerScan, headerList(firstRow))
}

func (s *xlsxSource) next() (int, Record, error, error) {
	for s.rows.Next() {
		s.row++
		cells, err := s.rows.Columns()
		if err != nil {
			return s.row, Record{}, fmt.Errorf("row %d cannot be read: %v", s.row, err), nil
		}
		if blank(cells) {
			continue
		}
		return s.row, s.h.record(cells), nil, nil
	}
	if err := s.rows.Error(); err != nil {
		return 0, Record{}, nil, fmt.Errorf("%w: after row %d: %v", ErrMalformed, s.row, err)
	}
	return 0, Record{}, nil, io.EOF
}

func (s *xlsxSource) close() error {
	_ = s.rows.Close()
	return s.f.Close()
}
