package knowledge

import (
	"bytes"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/dvcbot/dvcbot/knowledge/vntext"
)

// Shorthand is the chat-shorthand dictionary: single tokens and context phrases
// citizens type, with what they stand for (see seed/shorthand.yaml).
type Shorthand struct {
	Words   map[string]string `json:"words" yaml:"words"`
	Phrases []ShorthandPhrase `json:"phrases" yaml:"phrases"`
}

// ShorthandPhrase replaces a sequence of syllables; To may be empty (drop it).
type ShorthandPhrase struct {
	From string `json:"from" yaml:"from"`
	To   string `json:"to" yaml:"to"`
}

// ParseShorthand reads a shorthand file. A rule with an empty token or phrase is
// an error naming it.
func ParseShorthand(name string, data []byte) (Shorthand, error) {
	var sh Shorthand
	if err := decodeStrict(name, data, &sh); err != nil {
		return Shorthand{}, err
	}
	for k, v := range sh.Words {
		if len(vntext.Tokens(k)) != 1 || len(vntext.Tokens(v)) == 0 {
			return Shorthand{}, &FieldError{File: name, Field: "words." + k, Msg: "needs one token and a non-empty replacement"}
		}
	}
	for i, p := range sh.Phrases {
		if len(vntext.Tokens(p.From)) == 0 {
			return Shorthand{}, &FieldError{File: name, Field: fmt.Sprintf("phrases[%d].from", i), Msg: "is required"}
		}
	}
	return sh, nil
}

// LoadSeedShorthand reads the bundled shorthand dictionary.
func LoadSeedShorthand() (Shorthand, error) {
	data, err := fs.ReadFile(SeedFS(), "shorthand.yaml")
	if err != nil {
		return Shorthand{}, err
	}
	return ParseShorthand("shorthand.yaml", data)
}

// NotCoveredTopic is a subject the knowledge base does not cover: the phrases
// that name it and where a citizen should turn instead.
type NotCoveredTopic struct {
	Name    string   `json:"name" yaml:"name"`
	Phrases []string `json:"phrases" yaml:"phrases"`
	Help    string   `json:"help" yaml:"help"`
	// Asks: the phrases say what is asked (advice, comparisons, rankings,
	// statistics, coming rises), not a subject the asker's story may mention.
	// They count against every guide whose text does not use them, even one
	// the question names whole ("lương hưu năm sau có tăng không").
	Asks bool `json:"asks,omitempty" yaml:"asks,omitempty"`
	// Marked phrases count only where the question types them with these
	// very marks: "con chó" is a dog, but "con cho" typed without marks may
	// be "con cho" ("khai sinh con cho kịp nhập học"), so it is not one.
	Marked []string `json:"marked,omitempty" yaml:"marked,omitempty"`
	// Except are phrases in which, or right after which, the topic's phrases
	// tell a detail of the asker or of a covered thing, not the subject asked
	// about: "có quốc tịch Việt Nam" says who the child is ("con có quốc
	// tịch Việt Nam, làm căn cước thế nào"), while "quốc tịch" alone is the
	// nationality procedures; "bằng lái xe" before "của Hàn Quốc" is a
	// foreign licence to exchange, not a foreign country's own paper.
	Except []string `json:"except,omitempty" yaml:"except,omitempty"`
	// Figures: the phrases count only in a question that gives the asker's
	// own figures (a number of years, a salary, an age: "đóng 22 năm",
	// "lương 7tr"): "thai sản được bao nhiêu" may ask for the rates a guide
	// states, "lương em 7tr thì thai sản được bao nhiêu" asks for one
	// person's sum, which the paying office works out.
	Figures bool `json:"figures,omitempty" yaml:"figures,omitempty"`
}

// CountryMark is the place-holder in a not-covered phrase for the name of
// another country: "khai sinh bên <nước>" stands for "khai sinh bên hàn
// quốc", "khai sinh bên lào", … (see ParseNotCovered).
const CountryMark = "<nước>"

// ParseNotCovered reads a not-covered topics file ({countries: [...],
// countries_marked: [...], topics: [...]}). A phrase holding CountryMark is
// written out once per country: with each of `countries` (names that read as
// nothing else once typed without marks) as a phrase, and with each of
// `countries_marked` ("lào" is "lao" of "lao động" without its marks) as a
// marked phrase, which counts only as typed with its marks. A template among
// a topic's marked phrases is written out as marked phrases only.
func ParseNotCovered(name string, data []byte) ([]NotCoveredTopic, error) {
	var doc struct {
		Countries       []string          `yaml:"countries"`
		CountriesMarked []string          `yaml:"countries_marked"`
		Topics          []NotCoveredTopic `yaml:"topics"`
	}
	if err := decodeStrict(name, data, &doc); err != nil {
		return nil, err
	}
	plain, marked := cleanList(doc.Countries, true), cleanList(doc.CountriesMarked, true)
	all := slices.Concat(plain, marked)
	for i, t := range doc.Topics {
		field := fmt.Sprintf("topics[%d]", i)
		if t.Name == "" || t.Help == "" || len(cleanList(t.Phrases, true))+len(cleanList(t.Marked, true)) == 0 {
			return nil, &FieldError{File: name, Field: field, Msg: "needs a name, phrases (or marked phrases) and help"}
		}
		// A phrase not a template is kept in keep; a template is written out
		// with asPhrase countries as phrases and asMarked ones as marked.
		var phrases, marks []string
		spell := func(p string, keep *[]string, asPhrase, asMarked []string) error {
			if !strings.Contains(p, CountryMark) {
				*keep = append(*keep, p)
				return nil
			}
			if len(all) == 0 {
				return &FieldError{File: name, Field: field, Msg: fmt.Sprintf("%q names %s but the file lists no countries", p, CountryMark)}
			}
			phrases = append(phrases, fillCountry(p, asPhrase)...)
			marks = append(marks, fillCountry(p, asMarked)...)
			return nil
		}
		for _, p := range t.Phrases {
			if err := spell(p, &phrases, plain, marked); err != nil {
				return nil, err
			}
		}
		for _, p := range t.Marked {
			if err := spell(p, &marks, nil, all); err != nil {
				return nil, err
			}
		}
		doc.Topics[i].Phrases, doc.Topics[i].Marked = phrases, marks
	}
	return doc.Topics, nil
}

// fillCountry writes template out once per country name.
func fillCountry(template string, countries []string) []string {
	out := make([]string, 0, len(countries))
	for _, c := range countries {
		out = append(out, strings.ReplaceAll(template, CountryMark, c))
	}
	return out
}

// LoadSeedNotCovered reads the bundled not-covered topics.
func LoadSeedNotCovered() ([]NotCoveredTopic, error) {
	data, err := fs.ReadFile(SeedFS(), "not_covered.yaml")
	if err != nil {
		return nil, err
	}
	return ParseNotCovered("not_covered.yaml", data)
}

// decodeStrict decodes one YAML document of data into v; an unknown key or a
// malformed document is a FieldError naming the file and, where known, the
// line.
func decodeStrict(name string, data []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return &FieldError{File: name, Line: yamlErrLine(err), Msg: trimYAMLErr(err)}
	}
	return nil
}
