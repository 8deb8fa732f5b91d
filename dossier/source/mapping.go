package source

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/dvcbot/dvcbot/dossier"
	"github.com/dvcbot/dvcbot/knowledge/vntext"
)

// vnZone is Vietnam time, for dates the source writes without a zone.
var vnZone = time.FixedZone("ICT", 7*3600)

// lookup follows a dotted path ("data.items.0.status") into a decoded JSON
// value; numeric segments index arrays.
func lookup(doc any, path string) (any, bool) {
	v := doc
	for _, seg := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[seg]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// scalar is v as text; ok is false for objects and arrays.
func scalar(v any) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "", true
	case string:
		return strings.TrimSpace(x), true
	case json.Number:
		return x.String(), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

// isEmpty: null, "", [] or {}.
func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(x) == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

// unknownStatusNote tells the citizen why an unrecognised status shows as
// processing.
func unknownStatusNote(raw string) string {
	if r := []rune(raw); len(r) > 80 {
		raw = string(r[:80]) + "…"
	}
	return fmt.Sprintf("Hệ thống của tỉnh ghi trạng thái “%s”; trợ lý chưa nhận diện được trạng thái này nên tạm hiển thị là Đang xử lý.", raw)
}

// MapStatus maps the source's status value to a contract status: the
// statuses table (exactly, then ignoring case and spacing, then ignoring
// accents too), then a contract status written as is. ok is false when the
// value is unknown.
func (c Config) MapStatus(raw string) (string, bool) {
	if s, ok := c.Statuses[raw]; ok {
		return s, true
	}
	low, key := vntext.Lower(strings.Join(strings.Fields(raw), " ")), vntext.Key(raw)
	for k, s := range c.Statuses {
		if vntext.Lower(strings.Join(strings.Fields(k), " ")) == low {
			return s, true
		}
	}
	for k, s := range c.Statuses {
		if key != "" && vntext.Key(k) == key {
			return s, true
		}
	}
	if s := strings.ToLower(strings.TrimSpace(raw)); dossier.StatusLabel(s) != "" {
		return s, true
	}
	return "", false
}

// mapAnswer maps a decoded answer for code. fatal problems make the answer
// unusable (no status, no usable phone, another dossier's code); others drop
// one field. unknown is the status value the table does not know.
func (c Config) mapAnswer(code string, doc any) (d dossier.Dossier, probs []string, fatal bool, unknown string) {
	d = dossier.Dossier{Code: code, Origin: dossier.OriginSource}
	text := func(field string, required bool) string {
		path, ok := c.Fields[field]
		if !ok {
			return ""
		}
		v, found := lookup(doc, path)
		s, isScalar := scalar(v)
		switch {
		case !found || v == nil:
			if required {
				probs, fatal = append(probs, fmt.Sprintf("%s: %s is absent from the answer", field, path)), true
			}
			return ""
		case !isScalar:
			probs = append(probs, fmt.Sprintf("%s: %s is an object or a list, not a value", field, path))
			fatal = fatal || required
			return ""
		}
		s = vntext.Clean(s)
		if r := []rune(s); len(r) > 2000 {
			s = string(r[:2000])
		}
		if s == "" && required {
			probs, fatal = append(probs, fmt.Sprintf("%s: %s is empty", field, path)), true
		}
		return s
	}
	if got := text("code", true); got != "" && dossier.NormalizeCode(got) != code {
		probs, fatal = append(probs, "code: the source answered for another dossier"), true
	}
	raw := text("status", true)
	if raw != "" {
		if s, ok := c.MapStatus(raw); ok {
			d.Status = s
		} else {
			d.Status, unknown = "processing", raw
			probs = append(probs, fmt.Sprintf("status: %q is not in statuses; shown as processing", raw))
		}
	}
	d.ProcedureID = text("procedure_id", false)
	d.ProcedureName = text("procedure_name", false)
	d.ApplicantName = text("applicant_name", false)
	d.Agency = text("agency", false)
	d.Note = text("note", false)
	if unknown != "" {
		d.Note = strings.TrimSpace(d.Note + "\n" + unknownStatusNote(unknown))
	}
	if phone := text("applicant_phone", true); phone != "" {
		if p, err := c.phone(phone); err != nil {
			probs, fatal = append(probs, "applicant_phone: "+err.Error()), true
		} else {
			d.ApplicantPhone = p
		}
	}
	for _, f := range []struct {
		name string
		dst  **time.Time
	}{{"received_at", &d.ReceivedAt}, {"due_at", &d.DueAt}, {"completed_at", &d.CompletedAt}} {
		path, ok := c.Fields[f.name]
		if !ok {
			continue
		}
		v, found := lookup(doc, path)
		if !found || isEmpty(v) {
			continue
		}
		t, err := parseTime(v)
		if err != nil {
			probs = append(probs, fmt.Sprintf("%s: %v (the date is left out)", f.name, err))
			continue
		}
		*f.dst = &t
	}
	return d, probs, fatal, unknown
}

// phone keeps what verification needs from the source's phone value,
// according to the phone mode; the result always ends in the 4 digits a
// citizen gives.
func (c Config) phone(v string) (string, error) {
	all := digitsOf(v)
	switch c.Phone {
	case PhoneLast4:
		if len(all) < 4 {
			return "", fmt.Errorf("phone is last4 but the answer has %d digits", len(all))
		}
		return all[len(all)-4:], nil
	case PhoneMasked:
		// The digits after the last masking character must be at least 4.
		tail := strings.Map(func(r rune) rune {
			if r == ' ' || r == '.' || r == '-' {
				return -1
			}
			return r
		}, v)
		n := 0
		for i := len(tail) - 1; i >= 0 && tail[i] >= '0' && tail[i] <= '9'; i-- {
			n++
		}
		if n < 4 {
			return "", fmt.Errorf("phone is masked but fewer than 4 digits end it")
		}
		return "******" + tail[len(tail)-4:], nil
	}
	if len(all) < 9 || len(all) > 15 {
		return "", fmt.Errorf("phone is whole but the answer has %d digits (set phone: masked or last4 if the source hides some)", len(all))
	}
	return v, nil
}

func digitsOf(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// MaskPhone shows only the last 3 digits of a phone value ("*******678").
func MaskPhone(p string) string {
	d := digitsOf(p)
	if len(d) <= 3 {
		return strings.Repeat("*", len(d))
	}
	return strings.Repeat("*", len(d)-3) + d[len(d)-3:]
}

// timeLayouts are the date forms provincial systems use; a form without a
// zone is Vietnam time.
var timeLayouts = []string{
	time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02",
	"02/01/2006 15:04:05", "02/01/2006 15:04", "02/01/2006", "2/1/2006", "02-01-2006 15:04:05", "02-01-2006",
	"15:04:05 02/01/2006", "15:04 02/01/2006", "20060102150405", "20060102",
}

// parseTime reads a date: text in one of timeLayouts, or a Unix time in
// seconds or milliseconds.
func parseTime(v any) (time.Time, error) {
	if n, ok := v.(json.Number); ok {
		if i, err := n.Int64(); err == nil && i > 1e9 && i < 1e14 {
			if i >= 1e11 {
				return time.UnixMilli(i).UTC(), nil
			}
			return time.Unix(i, 0).UTC(), nil
		}
	}
	s, ok := scalar(v)
	if !ok {
		return time.Time{}, fmt.Errorf("not a date")
	}
	s = strings.TrimFunc(s, unicode.IsSpace)
	for _, l := range timeLayouts {
		if t, err := time.ParseInLocation(l, s, vnZone); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date in a known form (RFC 3339, 2006-01-02, 02/01/2006 15:04, Unix time)", s)
}
