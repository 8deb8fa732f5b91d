package knowledge

import (
	"fmt"
	"io/fs"
)

// Expansion maps abbreviations, old names and colloquial terms to the words the
// knowledge base uses: a question containing any of Terms also searches Expand.
type Expansion struct {
	Terms  []string `json:"terms" yaml:"terms" bson:"terms"`
	Expand []string `json:"expand" yaml:"expand" bson:"expand"`
}

// ParseExpansions reads an expansions file ({expansions: [{terms, expand}]}).
// Entries without terms or expansions are errors naming the entry.
func ParseExpansions(name string, data []byte) ([]Expansion, error) {
	var doc struct {
		Expansions []Expansion `yaml:"expansions"`
	}
	if err := decodeStrict(name, data, &doc); err != nil {
		return nil, err
	}
	for i := range doc.Expansions {
		if err := doc.Expansions[i].Validate(); err != nil {
			return nil, &FieldError{File: name, Field: fmt.Sprintf("expansions[%d]", i), Msg: err.Error()}
		}
	}
	return doc.Expansions, nil
}

// Validate cleans e and reports an error when it has no terms or no expansions.
func (e *Expansion) Validate() error {
	e.Terms = cleanList(e.Terms, true)
	e.Expand = cleanList(e.Expand, true)
	if len(e.Terms) == 0 || len(e.Expand) == 0 {
		return fmt.Errorf("needs at least one term and one expansion")
	}
	return nil
}

// LoadSeedExpansions reads the bundled expansion dictionary.
func LoadSeedExpansions() ([]Expansion, error) {
	data, err := fs.ReadFile(SeedFS(), "expansions.yaml")
	if err != nil {
		return nil, err
	}
	return ParseExpansions("expansions.yaml", data)
}
