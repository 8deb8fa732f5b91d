// Package knowledge is the procedure model of dvcbot: what a procedure guide holds,
// how staff write it (forgiving JSON and YAML), how it is validated, and the
// bundled seed files. It imports nothing of the project but vntext.
package knowledge

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Procedure is one procedure guide. JSON names are the external contract.
type Procedure struct {
	ID             string     `json:"id" yaml:"id" bson:"id"`
	Code           string     `json:"code,omitempty" yaml:"code,omitempty" bson:"code,omitempty"`
	Title          string     `json:"title" yaml:"title" bson:"title"`
	Aliases        []string   `json:"aliases" yaml:"aliases" bson:"aliases"`
	Field          string     `json:"field" yaml:"field" bson:"field"`
	Agency         string     `json:"agency" yaml:"agency" bson:"agency"`
	Level          string     `json:"level,omitempty" yaml:"level,omitempty" bson:"level,omitempty"`
	Summary        string     `json:"summary" yaml:"summary" bson:"summary"`
	Conditions     string     `json:"conditions" yaml:"conditions,omitempty" bson:"conditions"`
	Documents      []Document `json:"documents" yaml:"documents" bson:"documents"`
	Steps          []string   `json:"steps" yaml:"steps" bson:"steps"`
	ProcessingTime string     `json:"processing_time" yaml:"processing_time" bson:"processing_time"`
	Fees           Fees       `json:"fees" yaml:"fees" bson:"fees"`
	Online         Online     `json:"online" yaml:"online" bson:"online"`
	Result         string     `json:"result,omitempty" yaml:"result,omitempty" bson:"result,omitempty"`
	LegalBasis     []string   `json:"legal_basis" yaml:"legal_basis" bson:"legal_basis"`
	Tips           []string   `json:"tips,omitempty" yaml:"tips,omitempty" bson:"tips,omitempty"`
	Source         string     `json:"source,omitempty" yaml:"source,omitempty" bson:"source,omitempty"`
	// Kind is "curated" (a guide written for citizens; the default) or "official"
	// (a record imported from the official procedure catalogue).
	Kind string `json:"kind" yaml:"kind,omitempty" bson:"kind,omitempty"`
	// NationalCode is an official record's national procedure code (e.g. 1.001193).
	NationalCode string `json:"national_code,omitempty" yaml:"national_code,omitempty" bson:"national_code,omitempty"`
	// NationalCodes are the official codes a curated guide explains; the guide is
	// the answer for them and their records stay reachable from it.
	NationalCodes []string `json:"national_codes,omitempty" yaml:"national_codes,omitempty" bson:"national_codes,omitempty"`
	// Subjects is who may use the procedure (đối tượng thực hiện), mostly on official records.
	Subjects string `json:"subjects,omitempty" yaml:"subjects,omitempty" bson:"subjects,omitempty"`
	// NotAbout are things citizens confuse with this procedure that it does not
	// cover ("nhà xưởng" for a house building permit): a question naming one
	// is about something else, and the bot's confidence in this guide drops.
	NotAbout []string `json:"not_about,omitempty" yaml:"not_about,omitempty" bson:"not_about,omitempty"`
	// AboutOnly, when set, names the subject matter a guide whose name is a
	// bare verb is limited to (complaints and petitions: a state body, an
	// official, a decision, an administrative procedure). A question that says
	// more than the guide's own names and names none of these is about
	// something else ("cửa hàng không chịu đổi điện thoại, khiếu nại ở đâu"),
	// and the bot's confidence in this guide drops as for NotAbout.
	AboutOnly []string `json:"about_only,omitempty" yaml:"about_only,omitempty" bson:"about_only,omitempty"`
	// Situation describes, for a situation guide, the life situation it is
	// written for as groups of things: a question that names a thing of
	// every group, each at its own place and no thing twice, is in that
	// situation ("mất" + two papers: "mất ví có căn cước và bằng lái"), and
	// the guide is its answer before the single procedures it leads to.
	Situation []SituationGroup `json:"situation,omitempty" yaml:"situation,omitempty" bson:"situation,omitempty"`
	// Related are ids of procedures a citizen in this situation may need next
	// (situation guides offer them as buttons).
	Related []string `json:"related,omitempty" yaml:"related,omitempty" bson:"related,omitempty"`
	// Sources back the facts: each fee, time limit and agency with the page it
	// was checked against and the date it was read.
	Sources []SourceRef `json:"sources,omitempty" yaml:"sources,omitempty" bson:"sources,omitempty"`
	// ReviewedAt is the day (YYYY-MM-DD) a person last checked the whole guide
	// against its sources.
	ReviewedAt string    `json:"reviewed_at,omitempty" yaml:"reviewed_at,omitempty" bson:"reviewed_at,omitempty"`
	UpdatedAt  time.Time `json:"updated_at" yaml:"-" bson:"updated_at"` // YAML: a date, handled by UnmarshalYAML and MarshalYAMLFile
}

// Procedure kinds.
const (
	KindCurated  = "curated"
	KindOfficial = "official"
)

// SituationGroup is one group of a situation guide's situation: the things
// of which the question must name one, each as its alternative names joined
// with "/" ("cà vẹt/đăng ký xe"). A document of its own, not a nested list:
// the document store keeps no arrays of arrays.
//
// A group may instead list None: things that, named anywhere in the question,
// tell another situation than this one ("sinh con" with "thai sản" is the
// maternity benefit, not the birth registration), so the situation is not
// matched.
//
// A group marked Or starts another situation the guide is also written for:
// the groups from it to the next Or are a second set of things to name,
// with their own None ("chủ hộ" + "mất" is one situation of updating the
// residence record, "vẫn ghi tên cũ" + "cư trú" another).
type SituationGroup struct {
	Or   bool     `json:"or,omitempty" yaml:"or,omitempty" bson:"or,omitempty"`
	Any  []string `json:"any,omitempty" yaml:"any,omitempty" bson:"any,omitempty"`
	None []string `json:"none,omitempty" yaml:"none,omitempty" bson:"none,omitempty"`
}

// SourceRef is where one fact was checked: what it backs (fees, processing_time,
// agency, documents, …), the page, and the day it was read (YYYY-MM-DD).
type SourceRef struct {
	About  string `json:"about" yaml:"about" bson:"about"`
	URL    string `json:"url" yaml:"url" bson:"url"`
	ReadAt string `json:"read_at" yaml:"read_at" bson:"read_at"`
}

// IsOfficial reports whether p is an imported official catalogue record.
func (p Procedure) IsOfficial() bool { return p.Kind == KindOfficial }

// Document is one paper to bring. Staff may write just its name.
type Document struct {
	Name   string `json:"name" yaml:"name" bson:"name"`
	Copies string `json:"copies,omitempty" yaml:"copies,omitempty" bson:"copies,omitempty"`
	Note   string `json:"note,omitempty" yaml:"note,omitempty" bson:"note,omitempty"`
	Form   string `json:"form,omitempty" yaml:"form,omitempty" bson:"form,omitempty"`
}

// Fees is what the procedure costs. Amount is in VND when one number fits (0 =
// free); Text explains. Staff may write a plain string (or a number).
type Fees struct {
	Amount *int64 `json:"amount,omitempty" yaml:"amount,omitempty" bson:"amount,omitempty"`
	Text   string `json:"text" yaml:"text" bson:"text"`
}

// Online says how and where to do the procedure online. Staff may write a string.
type Online struct {
	Level   string `json:"level,omitempty" yaml:"level,omitempty" bson:"level,omitempty"` // full, partial, none
	Text    string `json:"text" yaml:"text" bson:"text"`
	URL     string `json:"url,omitempty" yaml:"url,omitempty" bson:"url,omitempty"`
	VNeID   bool   `json:"vneid" yaml:"vneid" bson:"vneid"`
	Payment bool   `json:"payment" yaml:"payment" bson:"payment"`
}

// --- forgiving decoding -------------------------------------------------------

// UnmarshalJSON accepts a string (the name) or an object.
func (d *Document) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*d = Document{Name: s}
		return nil
	}
	type plain Document
	var p struct {
		plain
		Copies any `json:"copies"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return fmt.Errorf("a document must be a string or an object with a name: %w", err)
	}
	*d = Document(p.plain)
	if p.Copies != nil {
		d.Copies = strings.TrimSpace(fmt.Sprint(p.Copies))
	}
	return nil
}

// UnmarshalYAML accepts a string (the name) or a mapping.
func (d *Document) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*d = Document{Name: n.Value}
		return nil
	}
	type plain Document
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	*d = Document(p)
	return nil
}

// UnmarshalJSON accepts a string, a number (VND) or an object.
func (f *Fees) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*f = Fees{Text: s}
		return nil
	}
	var n int64
	if json.Unmarshal(b, &n) == nil {
		*f = Fees{Amount: &n}
		return nil
	}
	type plain Fees
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return fmt.Errorf("fees must be a string, a number or an object with amount and text: %w", err)
	}
	*f = Fees(p)
	return nil
}

// UnmarshalYAML accepts a string, a number (VND) or a mapping.
func (f *Fees) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		var v int64
		if n.Tag == "!!int" && n.Decode(&v) == nil {
			*f = Fees{Amount: &v}
			return nil
		}
		*f = Fees{Text: n.Value}
		return nil
	}
	type plain Fees
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	*f = Fees(p)
	return nil
}

// UnmarshalJSON accepts a string or an object.
func (o *Online) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*o = Online{Text: s}
		return nil
	}
	type plain Online
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return fmt.Errorf("online must be a string or an object: %w", err)
	}
	*o = Online(p)
	return nil
}

// UnmarshalYAML accepts a string or a mapping.
func (o *Online) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*o = Online{Text: n.Value}
		return nil
	}
	type plain Online
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	*o = Online(p)
	return nil
}

// UnmarshalJSON accepts updated_at as RFC 3339 or YYYY-MM-DD (or absent) and
// rejects unknown fields (they are usually typos).
func (p *Procedure) UnmarshalJSON(b []byte) error {
	type plain Procedure
	var v struct {
		*plain
		UpdatedAt *string `json:"updated_at"`
	}
	v.plain = (*plain)(p)
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return err
	}
	if v.UpdatedAt != nil && *v.UpdatedAt != "" {
		t, err := parseDate(*v.UpdatedAt)
		if err != nil {
			return &FieldError{Field: "updated_at", Msg: err.Error()}
		}
		p.UpdatedAt = t
	}
	return nil
}

// yamlKeys are the keys a procedure file may use.
var yamlKeys = func() map[string]bool {
	keys := map[string]bool{}
	t := reflect.TypeOf(Procedure{})
	for i := 0; i < t.NumField(); i++ {
		keys[strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]] = true
	}
	keys["updated_at"] = true
	return keys
}()

// UnmarshalYAML decodes a procedure mapping: unknown keys are errors with their
// line, and updated_at may be a date or an RFC 3339 time, quoted or not.
func (p *Procedure) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return &FieldError{Line: n.Line, Msg: "a procedure must be a mapping of fields"}
	}
	rest := *n
	rest.Content = nil
	var updated *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if !yamlKeys[k.Value] {
			return &FieldError{Line: k.Line, Field: k.Value, Msg: "is not a known procedure field (see knowledge/seed/README.md)"}
		}
		if k.Value == "updated_at" {
			updated = n.Content[i+1]
			continue
		}
		rest.Content = append(rest.Content, k, n.Content[i+1])
	}
	type plain Procedure
	if err := rest.Decode((*plain)(p)); err != nil {
		return err
	}
	if updated != nil && updated.Value != "" {
		t, err := parseDate(updated.Value)
		if err != nil {
			return &FieldError{Line: updated.Line, Field: "updated_at", Msg: err.Error()}
		}
		p.UpdatedAt = t
	}
	return nil
}

func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("must be a date YYYY-MM-DD or RFC 3339, got %q", s)
}

// MarshalJSON writes updated_at as RFC 3339 and never null lists.
func (p Procedure) MarshalJSON() ([]byte, error) {
	type plain Procedure
	v := plain(p)
	for _, l := range []*[]string{&v.Aliases, &v.Steps, &v.LegalBasis} {
		if *l == nil {
			*l = []string{}
		}
	}
	if v.Documents == nil {
		v.Documents = []Document{}
	}
	return json.Marshal(struct {
		plain
		UpdatedAt string `json:"updated_at"`
	}{v, p.UpdatedAt.UTC().Format(time.RFC3339)})
}

// ContentHash is a stable hash of everything staff write except updated_at: two
// procedures with equal hashes say the same thing.
func (p Procedure) ContentHash() string {
	c := p
	c.UpdatedAt = time.Time{}
	b, _ := json.Marshal(c)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// SearchText returns the procedure's body text (everything but title and aliases)
// for the search index.
func (p Procedure) SearchText() string {
	var b strings.Builder
	add := func(s string) {
		if s != "" {
			b.WriteString(s)
			b.WriteString("\n")
		}
	}
	add(p.Summary)
	add(p.Conditions)
	for _, d := range p.Documents {
		add(d.Name)
	}
	for _, s := range p.Steps {
		add(s)
	}
	add(p.Result)
	add(p.Online.Text)
	return b.String()
}
