package knowledge

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dvcbot/dvcbot/knowledge/vntext"
)

// FieldError is one problem with one field. Line is set when the procedure came
// from a file and the field could be located.
type FieldError struct {
	File  string
	Line  int
	Field string
	Msg   string
}

func (e *FieldError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// FieldName is the failing field (used by the HTTP layer to answer 400 with it).
func (e *FieldError) FieldName() string { return e.Field }

// ValidationError lists every problem of one procedure.
type ValidationError struct{ Problems []*FieldError }

func (e *ValidationError) Error() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.Error()
	}
	return strings.Join(msgs, "; ")
}

// FieldName is the first failing field.
func (e *ValidationError) FieldName() string {
	if len(e.Problems) == 0 {
		return ""
	}
	return e.Problems[0].Field
}

// Unwrap exposes each problem to errors.As.
func (e *ValidationError) Unwrap() []error {
	out := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		out[i] = p
	}
	return out
}

var idPattern = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// nationalCodePattern is the shape of a national procedure code: 1.001193, 2.000986.
var nationalCodePattern = regexp.MustCompile(`^[0-9]{1,2}\.[0-9]{3,6}(?:\.[0-9A-Za-z.]+)?$`)

// Limits on what staff may write.
const (
	maxID       = 80
	maxTitle    = 300
	maxText     = 20000
	maxItems    = 200
	maxItemText = 2000
)

// IsValidID reports whether id is a lowercase ASCII slug.
func IsValidID(id string) bool { return len(id) <= maxID && idPattern.MatchString(id) }

// Normalize cleans every text field in place: NFC, no control characters, trimmed,
// empty list items dropped, duplicate aliases removed.
func (p *Procedure) Normalize() {
	p.ID = strings.TrimSpace(p.ID)
	for _, s := range []*string{&p.Code, &p.Title, &p.Field, &p.Agency, &p.Level, &p.Source, &p.Fees.Text, &p.Online.Level, &p.Online.URL} {
		*s = vntext.Clean(*s)
	}
	for _, s := range []*string{&p.Summary, &p.Conditions, &p.ProcessingTime, &p.Result, &p.Online.Text} {
		*s = cleanMultiline(*s)
	}
	p.Online.Level = strings.ToLower(p.Online.Level)
	p.Kind = strings.ToLower(vntext.Clean(p.Kind))
	if p.Kind == "" {
		p.Kind = KindCurated
	}
	p.NationalCode, p.Subjects, p.ReviewedAt = vntext.Clean(p.NationalCode), cleanMultiline(p.Subjects), vntext.Clean(p.ReviewedAt)
	p.NationalCodes = cleanList(p.NationalCodes, true)
	p.Related = cleanList(p.Related, true)
	p.NotAbout = cleanList(p.NotAbout, true)
	p.AboutOnly = cleanList(p.AboutOnly, true)
	for i := range p.Situation {
		p.Situation[i].Any = cleanList(p.Situation[i].Any, true)
		p.Situation[i].None = cleanList(p.Situation[i].None, true)
	}
	srcs := p.Sources[:0]
	for _, s := range p.Sources {
		s.About, s.URL, s.ReadAt = vntext.Clean(s.About), vntext.Clean(s.URL), vntext.Clean(s.ReadAt)
		if s.URL != "" || s.About != "" {
			srcs = append(srcs, s)
		}
	}
	p.Sources = srcs
	p.Aliases = cleanList(p.Aliases, true)
	p.Steps = cleanList(p.Steps, false)
	p.LegalBasis = cleanList(p.LegalBasis, false)
	p.Tips = cleanList(p.Tips, false)
	docs := p.Documents[:0]
	for _, d := range p.Documents {
		d.Name, d.Copies, d.Note, d.Form = vntext.Clean(d.Name), vntext.Clean(d.Copies), cleanMultiline(d.Note), vntext.Clean(d.Form)
		if d.Name != "" || d.Note != "" {
			docs = append(docs, d)
		}
	}
	p.Documents = docs
}

// cleanMultiline keeps line breaks but cleans each line.
func cleanMultiline(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	out := lines[:0]
	for _, l := range lines {
		if l = vntext.Clean(l); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func cleanList(in []string, dedupe bool) []string {
	seen := map[string]bool{}
	out := in[:0]
	for _, s := range in {
		s = vntext.Clean(s)
		if s == "" {
			continue
		}
		if dedupe {
			k := vntext.Key(s)
			if seen[k] {
				continue
			}
			seen[k] = true
		}
		out = append(out, s)
	}
	return out
}

// Validate normalizes p and reports every problem as a *ValidationError (nil when
// valid). A valid curated guide has an id slug, title, field, agency, summary, at
// least one document, step and legal basis, a processing time, fees and online
// information, and sane sizes. An official catalogue record needs only its id,
// title and national code (what the catalogue publishes varies); every other
// check (sizes, shapes, URLs) applies to it as well.
func (p *Procedure) Validate() error {
	p.Normalize()
	curated := p.Kind != KindOfficial
	var probs []*FieldError
	bad := func(field, format string, args ...any) {
		probs = append(probs, &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	switch {
	case p.ID == "":
		bad("id", "is required")
	case !IsValidID(p.ID):
		bad("id", "must be a lowercase ASCII slug like dang-ky-khai-sinh (a-z, 0-9, '-'), at most %d characters", maxID)
	}
	required := []struct {
		name     string
		v        string
		max      int
		required bool
	}{
		{"title", p.Title, maxTitle, true},
		{"field", p.Field, maxTitle, curated},
		{"agency", p.Agency, maxText, curated},
		{"summary", p.Summary, maxText, curated},
		{"processing_time", p.ProcessingTime, maxText, curated},
	}
	for _, r := range required {
		if r.v == "" && r.required {
			bad(r.name, "is required")
		} else if utf8.RuneCountInString(r.v) > r.max {
			bad(r.name, "is longer than %d characters", r.max)
		}
	}
	for _, o := range []struct{ name, v string }{{"conditions", p.Conditions}, {"result", p.Result}, {"online.text", p.Online.Text}, {"fees.text", p.Fees.Text}} {
		if utf8.RuneCountInString(o.v) > maxText {
			bad(o.name, "is longer than %d characters", maxText)
		}
	}
	lists := []struct {
		name     string
		items    []string
		required bool
	}{
		{"aliases", p.Aliases, false},
		{"steps", p.Steps, curated},
		{"legal_basis", p.LegalBasis, curated},
		{"tips", p.Tips, false},
	}
	for _, l := range lists {
		if l.required && len(l.items) == 0 {
			bad(l.name, "needs at least one item")
		}
		if len(l.items) > maxItems {
			bad(l.name, "has more than %d items", maxItems)
		}
		for i, s := range l.items {
			if utf8.RuneCountInString(s) > maxItemText {
				bad(fmt.Sprintf("%s[%d]", l.name, i), "is longer than %d characters", maxItemText)
			}
		}
	}
	if len(p.Documents) == 0 && curated {
		bad("documents", "needs at least one item")
	}
	if len(p.Documents) > maxItems {
		bad("documents", "has more than %d items", maxItems)
	}
	for i, d := range p.Documents {
		if d.Name == "" {
			bad(fmt.Sprintf("documents[%d].name", i), "is required")
		} else if utf8.RuneCountInString(d.Name)+utf8.RuneCountInString(d.Note) > maxItemText {
			bad(fmt.Sprintf("documents[%d]", i), "is longer than %d characters", maxItemText)
		}
	}
	if p.Fees.Text == "" && p.Fees.Amount == nil && curated {
		bad("fees", "is required (a text, an amount in VND, or both)")
	}
	if p.Fees.Amount != nil && *p.Fees.Amount < 0 {
		bad("fees.amount", "must not be negative")
	}
	if p.Online.Text == "" && p.Online.URL == "" && curated {
		bad("online", "is required (how to do it online, or that it cannot be done online)")
	}
	switch p.Online.Level {
	case "", "full", "partial", "none":
	default:
		bad("online.level", "must be full, partial or none, got %q", p.Online.Level)
	}
	switch p.Kind {
	case KindCurated, KindOfficial:
	default:
		bad("kind", "must be curated or official, got %q", p.Kind)
	}
	if p.Kind == KindOfficial && p.NationalCode == "" {
		bad("national_code", "is required for an official record")
	}
	for i, c := range append([]string{p.NationalCode}, p.NationalCodes...) {
		if c != "" && !nationalCodePattern.MatchString(c) {
			name := "national_code"
			if i > 0 {
				name = fmt.Sprintf("national_codes[%d]", i-1)
			}
			bad(name, "must look like 1.001193, got %q", c)
		}
	}
	for i, r := range p.Related {
		if !IsValidID(r) || r == p.ID {
			bad(fmt.Sprintf("related[%d]", i), "must be the id of another procedure, got %q", r)
		}
	}
	if p.ReviewedAt != "" {
		if _, err := time.Parse("2006-01-02", p.ReviewedAt); err != nil {
			bad("reviewed_at", "must be a date YYYY-MM-DD, got %q", p.ReviewedAt)
		}
	}
	for i, s := range p.Sources {
		if s.About == "" {
			bad(fmt.Sprintf("sources[%d].about", i), "is required (what the page backs: fees, processing_time, agency, …)")
		}
		if pu, err := url.Parse(s.URL); err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
			bad(fmt.Sprintf("sources[%d].url", i), "must be an http(s) URL, got %q", s.URL)
		}
		if _, err := time.Parse("2006-01-02", s.ReadAt); err != nil {
			bad(fmt.Sprintf("sources[%d].read_at", i), "must be a date YYYY-MM-DD, got %q", s.ReadAt)
		}
	}
	for _, u := range []struct{ name, v string }{{"online.url", p.Online.URL}, {"source", p.Source}} {
		if u.v == "" {
			continue
		}
		if pu, err := url.Parse(u.v); err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
			bad(u.name, "must be an http(s) URL, got %q", u.v)
		}
	}
	if len(probs) == 0 {
		return nil
	}
	return &ValidationError{Problems: probs}
}

// AsValidation returns the problems of err when it is a validation error.
func AsValidation(err error) ([]*FieldError, bool) {
	var ve *ValidationError
	if errors.As(err, &ve) {
		return ve.Problems, true
	}
	var fe *FieldError
	if errors.As(err, &fe) {
		return []*FieldError{fe}, true
	}
	return nil, false
}
