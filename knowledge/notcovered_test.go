package knowledge

import (
	"errors"
	"slices"
	"testing"
)

func TestParseNotCoveredCountries(t *testing.T) {
	data := []byte(`countries: [hàn quốc, singapore]
countries_marked: [lào]
topics:
  - name: giấy tờ của nước ngoài
    phrases: [khai sinh bên <nước>, tòa nước ngoài]
    marked: [<nước> cấp]
    help: Hỏi cơ quan của nước đó.
`)
	topics, err := ParseNotCovered("t.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	got := topics[0]
	if want := []string{"khai sinh bên hàn quốc", "khai sinh bên singapore", "tòa nước ngoài"}; !slices.Equal(sorted(got.Phrases), want) {
		t.Errorf("phrases = %q, want %q", got.Phrases, want)
	}
	// "lào" folds to the "lao" of "lao động": only as typed with its mark.
	if want := []string{"hàn quốc cấp", "khai sinh bên lào", "lào cấp", "singapore cấp"}; !slices.Equal(sorted(got.Marked), want) {
		t.Errorf("marked = %q, want %q", got.Marked, want)
	}

	_, err = ParseNotCovered("t.yaml", []byte(`topics:
  - name: x
    phrases: [luật <nước>]
    help: y
`))
	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("a template without countries: err = %v, want a FieldError", err)
	}
	_, err = ParseNotCovered("t.yaml", []byte(`topics:
  - name: x
    marked: [<nước> cấp]
    help: y
`))
	if !errors.As(err, &fe) {
		t.Fatalf("a marked template without countries: err = %v, want a FieldError", err)
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
