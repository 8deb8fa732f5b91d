// Package offices is the directory of the desks where citizens hand in their
// papers: each commune's public administrative service centre (trung tâm phục
// vụ hành chính công cấp xã), the commune police desk, the province's centre and
// its branches (land registration, traffic police, immigration, ...). It reads
// staff imports (JSON or CSV), matches the commune names citizens type (without
// accents, abbreviated, or by their names from before the 2025 mergers), picks
// the desk for a procedure field, the nearest desk to a location, and says
// whether a desk is open now in Vietnam time.
//
// It imports nothing of the project but knowledge/vntext.
package offices

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/dvcbot/dvcbot/knowledge/vntext"
)

// Office is one desk. JSON names are the external contract.
//
// For a commune-level office the first name in Communes is the commune's
// current name; the others are its former names (before the mergers) or other
// spellings. A province-level office serves the communes it lists, or the
// whole province when it lists none. Fields are the procedure fields
// (lĩnh vực, as in the knowledge base: "Đất đai", "Cư trú", …) the office
// handles; empty means every field. Hours use the form described at
// ParseHours.
type Office struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Level    string   `json:"level"` // LevelCommune or LevelProvince
	Communes []string `json:"communes"`
	Address  string   `json:"address"`
	Phone    string   `json:"phone"`
	Hours    string   `json:"hours"`
	Lat      float64  `json:"lat"`
	Lon      float64  `json:"lon"`
	Fields   []string `json:"fields"`
	MapURL   string   `json:"map_url"`
}

// Levels.
const (
	LevelCommune  = "xã"
	LevelProvince = "tỉnh"
)

// SamplePrefix starts the id of every office of the bundled sample directory.
// The bot says so when it names one.
const SamplePrefix = "sample-"

// IsSample reports whether o comes from the bundled sample directory.
func (o Office) IsSample() bool { return strings.HasPrefix(o.ID, SamplePrefix) }

// HasLocation reports whether the office has coordinates (0,0 means none).
func (o Office) HasLocation() bool { return o.Lat != 0 || o.Lon != 0 }

// Map returns the office's map link: MapURL, or a map search on its
// coordinates, or "".
func (o Office) Map() string {
	if o.MapURL != "" {
		return o.MapURL
	}
	if o.HasLocation() {
		return fmt.Sprintf("https://www.google.com/maps/search/?api=1&query=%.6f,%.6f", o.Lat, o.Lon)
	}
	return ""
}

// Handles reports whether the office lists field (compared without accents);
// an office with no fields handles everything.
func (o Office) Handles(field string) bool {
	if len(o.Fields) == 0 {
		return true
	}
	return o.lists(field)
}

func (o Office) lists(field string) bool {
	k := vntext.Key(field)
	for _, f := range o.Fields {
		if vntext.Key(f) == k && k != "" {
			return true
		}
	}
	return false
}

// FieldError is a problem with one field of an office.
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

// FieldName names the failing field.
func (e *FieldError) FieldName() string { return e.Field }

var idRe = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,99}$`)

// Normalize trims every field, drops empty list items and spells the level
// canonically ("xa", "commune" → "xã"; "tinh", "province" → "tỉnh").
func (o *Office) Normalize() {
	o.ID = strings.ToLower(strings.TrimSpace(o.ID))
	o.Name = strings.TrimSpace(vntext.Clean(o.Name))
	switch vntext.Key(o.Level) {
	case "xa", "commune", "phuong", "cap xa":
		o.Level = LevelCommune
	case "tinh", "province", "cap tinh":
		o.Level = LevelProvince
	default:
		o.Level = strings.TrimSpace(o.Level)
	}
	o.Communes = cleanList(o.Communes)
	o.Fields = cleanList(o.Fields)
	o.Address = strings.TrimSpace(vntext.Clean(o.Address))
	o.Phone = strings.TrimSpace(o.Phone)
	o.Hours = strings.TrimSpace(o.Hours)
	o.MapURL = strings.TrimSpace(o.MapURL)
}

func cleanList(in []string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, s := range in {
		s = strings.TrimSpace(vntext.Clean(s))
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// Validate normalizes o and returns the first problem as a *FieldError.
func (o *Office) Validate() error {
	o.Normalize()
	switch {
	case !idRe.MatchString(o.ID):
		return &FieldError{"id", "is required: lower-case letters, digits, '.', '_' or '-' (at most 100)"}
	case o.Name == "":
		return &FieldError{"name", "is required"}
	case o.Level != LevelCommune && o.Level != LevelProvince:
		return &FieldError{"level", fmt.Sprintf("must be %q or %q, not %q", LevelCommune, LevelProvince, o.Level)}
	case o.Level == LevelCommune && len(o.Communes) == 0:
		return &FieldError{"communes", "a commune-level office must name its commune (current name first, then former names)"}
	case o.Address == "":
		return &FieldError{"address", "is required"}
	case o.Lat < -90 || o.Lat > 90:
		return &FieldError{"lat", "must be between -90 and 90"}
	case o.Lon < -180 || o.Lon > 180:
		return &FieldError{"lon", "must be between -180 and 180"}
	}
	for _, c := range o.Communes {
		if len(vntext.FoldedTokens(c)) == 0 {
			return &FieldError{"communes", fmt.Sprintf("%q has no letters or digits", c)}
		}
	}
	if o.Hours != "" {
		if _, err := ParseHours(o.Hours); err != nil {
			return &FieldError{"hours", err.Error()}
		}
	}
	if o.MapURL != "" {
		u, err := url.Parse(o.MapURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return &FieldError{"map_url", "must be an http(s) link"}
		}
	}
	return nil
}
