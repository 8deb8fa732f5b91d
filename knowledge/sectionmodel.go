package knowledge

import (
	"fmt"
	"io"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
)

// SectionModel estimates which part of a guide a question asks for
// (documents, fees, time, agency, steps, online, conditions, legal,
// overview) from its words alone. It is a multinomial logistic model over
// the same features as ScopeModel (ScopeFeatures), fitted by
// tools/trainmodels on the tuning sets' questions whose expected section is
// given, and shipped as seed/section_model.tsv. The engine's own cue rules
// stay the first reading; the model settles between the parts those cues
// name when the wording is misleading ("làm giấy tờ sang tên ntn" asks for
// the steps, not the documents). The zero model knows nothing and names no
// section.
type SectionModel struct {
	sections []string             // sorted
	bias     []float64            // per section
	weights  map[string][]float64 // feature → weight per section
}

// newSectionModel returns a model of the given sections with no weights.
func newSectionModel(sections []string) SectionModel {
	sections = slices.Clone(sections)
	slices.Sort(sections)
	return SectionModel{sections: sections, bias: make([]float64, len(sections)), weights: map[string][]float64{}}
}

// weightsOf returns feature f's weights, made when missing.
func (m SectionModel) weightsOf(f string) []float64 {
	w, ok := m.weights[f]
	if !ok {
		w = make([]float64, len(m.sections))
		m.weights[f] = w
	}
	return w
}

// scores sets z to each section's score for the features and returns the
// index of the best one (the first in section order on a tie).
func (m SectionModel) scores(feats []string, z []float64) int {
	copy(z, m.bias)
	for _, f := range feats {
		if w, ok := m.weights[f]; ok {
			for k, v := range w {
				z[k] += v
			}
		}
	}
	best := 0
	for k := range z {
		if z[k] > z[best] {
			best = k
		}
	}
	return best
}

// Best returns the section the model finds most likely for a question with
// these folded words and its probability; "" and 0 for the zero model.
func (m SectionModel) Best(folded []string) (section string, p float64) {
	if len(m.sections) == 0 {
		return "", 0
	}
	z := make([]float64, len(m.sections))
	best := m.scores(ScopeFeatures(folded), z)
	sum := 0.0
	for _, v := range z {
		sum += math.Exp(v - z[best])
	}
	return m.sections[best], 1 / sum
}

// ParseSectionModel reads a model file: lines
// "section<TAB>feature<TAB>weight", "#" comments and blank lines ignored,
// each section's bias under the feature name "(bias)". A malformed line is
// an error naming the file and line; so is a weight for a section without a
// bias line.
func ParseSectionModel(name string, data []byte) (SectionModel, error) {
	type weight struct {
		section, feature string
		w                float64
	}
	bias := map[string]float64{}
	var ws []weight
	err := eachModelLine(name, data, 3, "section<TAB>feature<TAB>weight", func(_ int, cols []string, w float64) string {
		if cols[1] == biasKey {
			bias[cols[0]] = w
			return ""
		}
		if _, ok := bias[cols[0]]; !ok {
			return "section " + cols[0] + " has no (bias) line before its weights"
		}
		ws = append(ws, weight{cols[0], cols[1], w})
		return ""
	})
	if err != nil {
		return SectionModel{}, err
	}
	m := newSectionModel(slices.Collect(maps.Keys(bias)))
	at := map[string]int{}
	for k, s := range m.sections {
		at[s] = k
		m.bias[k] = bias[s]
	}
	for _, w := range ws {
		m.weightsOf(w.feature)[at[w.section]] = w.w
	}
	return m, nil
}

// LoadSeedSectionModel reads the bundled section model.
func LoadSeedSectionModel() (SectionModel, error) {
	return loadSeedModel("section_model.tsv", ParseSectionModel)
}

// Write writes the model in the format ParseSectionModel reads, sections
// and features sorted, each section's bias first, weights smaller than 0.05
// in size left out; header lines are written first as comments.
func (m SectionModel) Write(w io.Writer, header []string) error {
	b := modelHeader(header)
	features := slices.Sorted(maps.Keys(m.weights))
	for k, s := range m.sections {
		fmt.Fprintf(b, "%s\t%s\t%.4f\n", s, biasKey, m.bias[k])
		for _, f := range features {
			if v := m.weights[f][k]; math.Abs(v) >= 0.05 {
				fmt.Fprintf(b, "%s\t%s\t%.3f\n", s, f, v)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// SectionExample is one question for fitting: its folded words and the
// section it asks for.
type SectionExample struct {
	Folded  []string
	Section string
}

// FitSectionModel fits a SectionModel by stochastic gradient descent on the
// softmax loss (15 passes, a fixed shuffle: the same examples give the same
// model). Features seen in fewer than two examples are left out.
func FitSectionModel(examples []SectionExample) SectionModel {
	const (
		passes = 15
		rate   = 0.2
	)
	at := map[string]int{}
	for _, ex := range examples {
		at[ex.Section] = 0
	}
	m := newSectionModel(slices.Collect(maps.Keys(at)))
	for k, s := range m.sections {
		at[s] = k
	}
	folded := make([][]string, len(examples))
	for i, ex := range examples {
		folded[i] = ex.Folded
	}
	feats := commonFeatures(folded)
	for _, fs := range feats {
		for _, f := range fs {
			m.weightsOf(f)
		}
	}
	z := make([]float64, len(m.sections))
	shuffledPasses(len(examples), passes, rand.NewPCG(3, 4), func(_, i int) {
		top := z[m.scores(feats[i], z)]
		sum := 0.0
		for k := range z {
			z[k] = math.Exp(z[k] - top)
			sum += z[k]
		}
		want := at[examples[i].Section]
		for k := range z {
			g := z[k] / sum
			if k == want {
				g--
			}
			if math.Abs(g) < 1e-4 {
				continue
			}
			m.bias[k] -= rate * g
			for _, f := range feats[i] {
				m.weights[f][k] -= rate * g
			}
		}
	})
	return m
}
