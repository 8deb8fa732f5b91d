package catalog

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"
)

// Store keeps imported records and the log of imports; store.Procedures
// implements it.
type Store interface {
	// ApplyCatalog stores the valid entries as official procedures (keyed by
	// id, so a re-import of the same file changes nothing), withdraws those
	// marked no longer in force, never touches a curated guide or a record
	// staff changed by hand, and returns the report (rejected entries
	// included). It makes running instances reload once, when something changed.
	ApplyCatalog(ctx context.Context, entries []Entry, by, comment string, now time.Time) (Report, error)
	// LogImport keeps imp among the recent imports.
	LogImport(ctx context.Context, imp Import) error
}

// Import is one import of a catalogue file, as staff see it in the log.
type Import struct {
	ID         string    `json:"id" bson:"_id"`
	At         time.Time `json:"at" bson:"at"`
	By         string    `json:"by" bson:"by"`
	File       string    `json:"file" bson:"file"`
	Format     Format    `json:"format" bson:"format"`
	Rows       int       `json:"rows" bson:"rows"`
	DurationMS int64     `json:"duration_ms" bson:"duration_ms"`
	Report     Report    `json:"report" bson:"report"`
	// Error is why the file could not be imported at all (nothing was stored).
	Error string `json:"error,omitempty" bson:"error,omitempty"`
}

// Load reads a catalogue file from r and applies it to st: the whole file is
// read and converted first, so a file that cannot be read to its end (a
// structural error) stores nothing; then the records are applied and the
// import is logged. format may be "" (recognised from the content). The
// returned error wraps ErrMalformed or ErrUnknownFormat for a bad file (the
// failed attempt is logged too), or the reader's or the store's error.
func Load(ctx context.Context, st Store, r io.Reader, file string, format Format, by string, now func() time.Time) (Import, error) {
	start := now()
	imp := Import{ID: importID(start), At: start.UTC(), By: by, File: file, Format: format, Report: Report{Rejected: []Rejection{}}}
	rd, err := Open(ctx, r, format)
	var entries []Entry
	if err == nil {
		imp.Format = rd.format
		entries, err = rd.all()
		_ = rd.Close()
	}
	if err != nil {
		if errors.Is(err, ErrMalformed) || errors.Is(err, ErrUnknownFormat) {
			imp.Error = err.Error()
			imp.DurationMS = now().Sub(start).Milliseconds()
			if lerr := st.LogImport(ctx, imp); lerr != nil {
				return imp, errors.Join(err, lerr)
			}
		}
		return imp, err
	}
	imp.Rows = len(entries)
	comment := "nhập danh mục thủ tục"
	if file != "" {
		comment += " từ tệp " + file
	}
	imp.Report, err = st.ApplyCatalog(ctx, entries, by, comment, start)
	imp.DurationMS = now().Sub(start).Milliseconds()
	if err != nil {
		imp.Error = "the import stopped part-way (run it again): " + err.Error()
		_ = st.LogImport(ctx, imp)
		return imp, fmt.Errorf("catalogue: apply: %w", err)
	}
	if err := st.LogImport(ctx, imp); err != nil {
		return imp, fmt.Errorf("catalogue: log the import: %w", err)
	}
	return imp, nil
}

// importID names an import started at t; IDs sort in the order imports
// started (to the microsecond), which breaks ties between imports the store
// dates to the same millisecond.
func importID(t time.Time) string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return t.UTC().Format("20060102T150405.000000") + "-" + hex.EncodeToString(b[:])
}

// all reads the remaining entries.
func (r *Reader) all() ([]Entry, error) {
	var out []Entry
	for {
		e, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
}
