package knowledge

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

//go:embed seed/procedures/*.yaml seed/expansions.yaml seed/shorthand.yaml seed/not_covered.yaml seed/english.yaml seed/scope_model.tsv seed/guide_model.tsv seed/section_model.tsv
var seedFS embed.FS

// SeedFS is the bundled knowledge base: procedures/*.yaml and the dictionaries
// beside them (expansions, shorthand, not_covered, english, scope_model, guide_model).
func SeedFS() fs.FS {
	sub, _ := fs.Sub(seedFS, "seed")
	return sub
}

// ParseYAML decodes and validates one procedure file. Errors name the file, the
// field and, where it can be found, the line. Unknown keys are errors (they are
// usually typos).
func ParseYAML(name string, data []byte) (Procedure, error) {
	var p Procedure
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return p, &FieldError{File: name, Line: yamlErrLine(err), Msg: "not valid YAML: " + trimYAMLErr(err)}
	}
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return p, &FieldError{File: name, Line: 1, Msg: "must be a YAML mapping of procedure fields (see knowledge/seed/README.md)"}
	}
	if err := root.Decode(&p); err != nil {
		var fe *FieldError
		if errors.As(err, &fe) {
			fe.File = name
			return p, fe
		}
		return p, &FieldError{File: name, Line: yamlErrLine(err), Msg: trimYAMLErr(err)}
	}
	if err := p.Validate(); err != nil {
		if probs, ok := AsValidation(err); ok {
			for _, pr := range probs {
				pr.File = name
				pr.Line = lineOf(root.Content[0], pr.Field)
			}
		}
		return p, err
	}
	if base := strings.TrimSuffix(path.Base(name), path.Ext(name)); base != p.ID {
		return p, &FieldError{File: name, Line: lineOf(root.Content[0], "id"), Field: "id", Msg: fmt.Sprintf("is %q but the file is named %q; they must match", p.ID, path.Base(name))}
	}
	return p, nil
}

var (
	yamlLineRe     = regexp.MustCompile(`line (\d+)`)
	unknownFieldRe = regexp.MustCompile(`unknown field "([^"]+)"`)
)

func yamlErrLine(err error) int {
	if m := yamlLineRe.FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

func trimYAMLErr(err error) string {
	s := strings.TrimPrefix(err.Error(), "yaml: ")
	s = strings.TrimPrefix(s, "unmarshal errors:\n  ")
	s = strings.ReplaceAll(s, "\n  ", "; ")
	return strings.ReplaceAll(s, "in type knowledge.plain", "")
}

// lineOf finds the line of a field path such as "documents[2].name" in a mapping
// node; it falls back to the nearest enclosing node, then to 0.
func lineOf(n *yaml.Node, field string) int {
	line := 0
	for _, seg := range strings.Split(field, ".") {
		name, idx := seg, -1
		if i := strings.IndexByte(seg, '['); i >= 0 && strings.HasSuffix(seg, "]") {
			name = seg[:i]
			idx, _ = strconv.Atoi(seg[i+1 : len(seg)-1])
		}
		if n == nil || n.Kind != yaml.MappingNode {
			return line
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == name {
				line = n.Content[i].Line
				next = n.Content[i+1]
				break
			}
		}
		if next == nil {
			return line
		}
		n = next
		if idx >= 0 {
			if n.Kind != yaml.SequenceNode || idx >= len(n.Content) {
				return line
			}
			n = n.Content[idx]
			line = n.Line
		}
	}
	return line
}

// LoadResult is what LoadDir read: the valid procedures (sorted by id) and one
// error per file that could not be used.
type LoadResult struct {
	Procedures []Procedure
	Errors     []error
}

// LoadDir reads every *.yaml / *.yml file directly in dir of fsys. A broken file is
// reported in Errors and skipped; the rest still load. Duplicate ids are errors.
func LoadDir(fsys fs.FS, dir string) (LoadResult, error) {
	var res LoadResult
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return res, fmt.Errorf("knowledge: read %s: %w", dir, err)
	}
	seen := map[string]string{}
	for _, e := range entries {
		ext := path.Ext(e.Name())
		if e.IsDir() || (ext != ".yaml" && ext != ".yml") {
			continue
		}
		name := path.Join(dir, e.Name())
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			res.Errors = append(res.Errors, fmt.Errorf("%s: %w", name, err))
			continue
		}
		p, err := ParseYAML(name, data)
		if err != nil {
			res.Errors = append(res.Errors, err)
			continue
		}
		if other, dup := seen[p.ID]; dup {
			res.Errors = append(res.Errors, &FieldError{File: name, Field: "id", Msg: fmt.Sprintf("%q is also used by %s", p.ID, other)})
			continue
		}
		seen[p.ID] = name
		res.Procedures = append(res.Procedures, p)
	}
	sort.Slice(res.Procedures, func(i, j int) bool { return res.Procedures[i].ID < res.Procedures[j].ID })
	return res, nil
}

// LoadSeed loads the bundled procedures.
func LoadSeed() (LoadResult, error) { return LoadDir(SeedFS(), "procedures") }

// DecodeJSON decodes and validates one procedure sent by staff. Unknown fields are
// errors; the error names the failing field.
func DecodeJSON(r io.Reader) (Procedure, error) {
	var p Procedure
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		var fe *FieldError
		if errors.As(err, &fe) {
			return p, fe
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return p, &FieldError{Field: strings.TrimPrefix(te.Field, "plain."), Msg: fmt.Sprintf("has the wrong type (%s)", te.Value)}
		}
		if m := unknownFieldRe.FindStringSubmatch(err.Error()); m != nil {
			return p, &FieldError{Field: m[1], Msg: "is not a known procedure field"}
		}
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return p, err
		}
		return p, &FieldError{Msg: "not valid JSON: " + err.Error()}
	}
	if dec.More() {
		return p, &FieldError{Msg: "expected one JSON object"}
	}
	return p, p.Validate()
}

// MarshalYAMLFile renders p as a seed file (round-trips with ParseYAML).
func MarshalYAMLFile(p Procedure) ([]byte, error) {
	// Every field of Procedure is written through its yaml tag (a new field
	// cannot be dropped by an export); updated_at is written as a date.
	type plain Procedure
	o := struct {
		plain     `yaml:",inline"`
		UpdatedAt string `yaml:"updated_at"`
	}{plain(p), p.UpdatedAt.UTC().Format("2006-01-02")}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(o); err != nil {
		return nil, err
	}
	return buf.Bytes(), enc.Close()
}
