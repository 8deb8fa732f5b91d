package catalog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Record is one catalogue record as published, before cleaning. JSON names are
// the contract's; CSV and Excel columns map onto the same fields.
type Record struct {
	Code           Text      `json:"code"`
	Name           Text      `json:"name"`
	Field          Text      `json:"field"`
	Level          Lines     `json:"level"`
	Agency         Text      `json:"agency"`
	Subjects       Text      `json:"subjects"`
	Steps          Lines     `json:"steps"`
	Methods        Methods   `json:"methods"`
	Documents      Documents `json:"documents"`
	ProcessingTime Text      `json:"processing_time"`
	Fees           Text      `json:"fees"`
	Result         Text      `json:"result"`
	Conditions     Text      `json:"conditions"`
	LegalBasis     Lines     `json:"legal_basis"`
	Status         Text      `json:"status"`
	URL            Text      `json:"url"`
}

// Method is one way to submit (cách thức thực hiện): the channel ("Trực tiếp",
// "Trực tuyến", "Dịch vụ bưu chính") with its own time limit and fee.
type Method struct {
	Channel string `json:"channel"`
	Time    string `json:"time"`
	Fee     string `json:"fee"`
	Note    string `json:"note"`
}

// Document is one paper of the dossier (thành phần hồ sơ).
type Document struct {
	Name   string `json:"name"`
	Copies string `json:"copies"`
	Form   string `json:"form"`
	Note   string `json:"note"`
}

// Text is a string that also accepts a number (its literal digits, so a code
// keeps its zeros), null, or a list of strings (joined by new lines).
type Text string

// UnmarshalJSON implements the forgiving decoding described on Text.
func (t *Text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*t = ""
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = Text(s)
	case b[0] == '[':
		var l Lines
		if err := l.UnmarshalJSON(b); err != nil {
			return err
		}
		*t = Text(strings.Join(l, "\n"))
	case b[0] == '-' || (b[0] >= '0' && b[0] <= '9'):
		*t = Text(b)
	case string(b) == "true" || string(b) == "false":
		*t = Text(b)
	default:
		return fmt.Errorf("must be text, got %s", kindOf(b))
	}
	return nil
}

// Lines is a list of items; a single string is split at new lines.
type Lines []string

// UnmarshalJSON accepts a list of strings (numbers allowed), a string, or null.
func (l *Lines) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		*l = nil
		return nil
	}
	if b[0] != '[' {
		var t Text
		if err := t.UnmarshalJSON(b); err != nil {
			return err
		}
		*l = splitLines(string(t))
		return nil
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := make(Lines, 0, len(raw))
	for i, r := range raw {
		var t Text
		if err := t.UnmarshalJSON(r); err != nil {
			return fmt.Errorf("item %d: %w", i+1, err)
		}
		out = append(out, string(t))
	}
	*l = out
	return nil
}

// Methods is the list of submission channels; a string is read one channel per
// line ("Trực tuyến | 3 ngày làm việc | Lệ phí: 8.000 đồng | ghi chú").
type Methods []Method

// UnmarshalJSON accepts a list of objects or strings, a string, or null.
func (m *Methods) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		*m = nil
		return nil
	}
	if b[0] != '[' {
		var t Text
		if err := t.UnmarshalJSON(b); err != nil {
			return err
		}
		*m = ParseMethods(string(t))
		return nil
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := make(Methods, 0, len(raw))
	for i, r := range raw {
		r = bytes.TrimSpace(r)
		if len(r) > 0 && r[0] == '{' {
			var v struct {
				Channel Text `json:"channel"`
				Time    Text `json:"time"`
				Fee     Text `json:"fee"`
				Note    Text `json:"note"`
			}
			if err := json.Unmarshal(r, &v); err != nil {
				return fmt.Errorf("item %d: %w", i+1, err)
			}
			out = append(out, Method{Channel: string(v.Channel), Time: string(v.Time), Fee: string(v.Fee), Note: string(v.Note)})
			continue
		}
		var t Text
		if err := t.UnmarshalJSON(r); err != nil {
			return fmt.Errorf("item %d: must be an object {channel, time, fee, note} or text: %w", i+1, err)
		}
		out = append(out, ParseMethods(string(t))...)
	}
	*m = out
	return nil
}

// Documents is the list of papers; a string is read one paper per line
// ("Tờ khai | 01 bản chính | Mẫu TK1").
type Documents []Document

// UnmarshalJSON accepts a list of strings or {name, copies, form, note}
// objects, a string, or null.
func (d *Documents) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		*d = nil
		return nil
	}
	if b[0] != '[' {
		var t Text
		if err := t.UnmarshalJSON(b); err != nil {
			return err
		}
		*d = ParseDocuments(string(t))
		return nil
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := make(Documents, 0, len(raw))
	for i, r := range raw {
		r = bytes.TrimSpace(r)
		if len(r) > 0 && r[0] == '{' {
			var v struct {
				Name   Text `json:"name"`
				Copies Text `json:"copies"`
				Form   Text `json:"form"`
				Note   Text `json:"note"`
			}
			if err := json.Unmarshal(r, &v); err != nil {
				return fmt.Errorf("item %d: %w", i+1, err)
			}
			out = append(out, Document{Name: string(v.Name), Copies: string(v.Copies), Form: string(v.Form), Note: string(v.Note)})
			continue
		}
		var t Text
		if err := t.UnmarshalJSON(r); err != nil {
			return fmt.Errorf("item %d: must be a name or an object {name, copies, form}: %w", i+1, err)
		}
		out = append(out, Document{Name: string(t)})
	}
	*d = out
	return nil
}

// ParseMethods reads a "Cách thức thực hiện" cell: one channel per line, its
// parts separated by "|": channel | time | fee | note. A line without "|" is a
// channel name, optionally followed by ":" and a note.
func ParseMethods(s string) Methods {
	var out Methods
	for _, line := range splitLines(s) {
		parts := strings.Split(line, "|")
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		m := Method{Channel: parts[0]}
		if len(parts) == 1 {
			if ch, note, ok := strings.Cut(parts[0], ":"); ok {
				m.Channel, m.Note = strings.TrimSpace(ch), strings.TrimSpace(note)
			}
		}
		if len(parts) > 1 {
			m.Time = parts[1]
		}
		if len(parts) > 2 {
			m.Fee = parts[2]
		}
		if len(parts) > 3 {
			m.Note = strings.Join(parts[3:], " | ")
		}
		if m.Channel != "" || m.Time != "" || m.Fee != "" || m.Note != "" {
			out = append(out, m)
		}
	}
	return out
}

// ParseDocuments reads a "Thành phần hồ sơ" cell: one paper per line, its
// parts separated by "|": name | copies | form.
func ParseDocuments(s string) Documents {
	var out Documents
	for _, line := range splitLines(s) {
		parts := strings.Split(line, "|")
		d := Document{Name: strings.TrimSpace(parts[0])}
		if len(parts) > 1 {
			d.Copies = strings.TrimSpace(parts[1])
		}
		if len(parts) > 2 {
			d.Form = strings.TrimSpace(strings.Join(parts[2:], " | "))
		}
		out = append(out, d)
	}
	return out
}

// splitLines splits s at new lines, dropping blank lines.
func splitLines(s string) []string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func kindOf(b []byte) string {
	switch b[0] {
	case '{':
		return "an object"
	case '[':
		return "a list"
	}
	return string(b)
}

// target is the field a column fills, as a JSON decoder (nil for none).
func (r *Record) target(c column) json.Unmarshaler {
	switch c {
	case colCode:
		return &r.Code
	case colName:
		return &r.Name
	case colField:
		return &r.Field
	case colLevel:
		return &r.Level
	case colAgency:
		return &r.Agency
	case colSubjects:
		return &r.Subjects
	case colSteps:
		return &r.Steps
	case colMethods:
		return &r.Methods
	case colDocuments:
		return &r.Documents
	case colTime:
		return &r.ProcessingTime
	case colFees:
		return &r.Fees
	case colResult:
		return &r.Result
	case colConditions:
		return &r.Conditions
	case colLegal:
		return &r.LegalBasis
	case colStatus:
		return &r.Status
	case colURL:
		return &r.URL
	}
	return nil
}
