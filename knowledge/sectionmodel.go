package knowledge

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
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
	Bias    map[string]float64            // section → bias
	Weights map[string]map[string]float64 // section → feature → weight
}

// Best returns the section the model finds most likely for a question with
// these folded words and its probability; "" and 0 for the zero model.
func (m SectionModel) Best(folded []string) (section string, p float64) {
	if len(m.Bias) == 0 {
		return "", 0
	}
	feats := ScopeFeatures(folded)
	scores := make(map[string]float64, len(m.Bias))
	top := math.Inf(-1)
	for s, b := range m.Bias {
		z := b
		for _, f := range feats {
			z += m.Weights[s][f]
		}
		scores[s] = z
		if z > top || (z == top && s < section) {
			top, section = z, s
		}
	}
	sum := 0.0
	for _, z := range scores {
		sum += math.Exp(z - top)
	}
	return section, 1 / sum
}

// sectionBiasKey names each section's bias in the model file.
const sectionBiasKey = "(bias)"

// ParseSectionModel reads a model file: lines
// "section<TAB>feature<TAB>weight", "#" comments and blank lines ignored,
// each section's bias under the feature name "(bias)". A malformed line is
// an error naming the file and line; so is a weight for a section without a
// bias line.
func ParseSectionModel(name string, data []byte) (SectionModel, error) {
	m := SectionModel{Bias: map[string]float64{}, Weights: map[string]map[string]float64{}}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 3 || cols[0] == "" || cols[1] == "" {
			return SectionModel{}, &FieldError{File: name, Line: n, Msg: "want section<TAB>feature<TAB>weight"}
		}
		w, err := strconv.ParseFloat(strings.TrimSpace(cols[2]), 64)
		if err != nil || math.IsNaN(w) || math.IsInf(w, 0) {
			return SectionModel{}, &FieldError{File: name, Line: n, Msg: "weight is not a number"}
		}
		if cols[1] == sectionBiasKey {
			m.Bias[cols[0]] = w
			m.Weights[cols[0]] = map[string]float64{}
			continue
		}
		ws, ok := m.Weights[cols[0]]
		if !ok {
			return SectionModel{}, &FieldError{File: name, Line: n, Msg: "section " + cols[0] + " has no (bias) line before its weights"}
		}
		ws[cols[1]] = w
	}
	if err := sc.Err(); err != nil {
		return SectionModel{}, fmt.Errorf("%s: %w", name, err)
	}
	return m, nil
}

// LoadSeedSectionModel reads the bundled section model.
func LoadSeedSectionModel() (SectionModel, error) {
	data, err := fs.ReadFile(SeedFS(), "section_model.tsv")
	if err != nil {
		return SectionModel{}, err
	}
	return ParseSectionModel("section_model.tsv", data)
}

// Write writes the model in the format ParseSectionModel reads, sections
// and features sorted, each section's bias first, weights smaller than 0.05
// in size left out; header lines are written first as comments.
func (m SectionModel) Write(w io.Writer, header []string) error {
	var b strings.Builder
	for _, h := range header {
		fmt.Fprintf(&b, "# %s\n", h)
	}
	sections := make([]string, 0, len(m.Bias))
	for s := range m.Bias {
		sections = append(sections, s)
	}
	slices.Sort(sections)
	for _, s := range sections {
		fmt.Fprintf(&b, "%s\t%s\t%.4f\n", s, sectionBiasKey, m.Bias[s])
		keys := make([]string, 0, len(m.Weights[s]))
		for k, v := range m.Weights[s] {
			if math.Abs(v) >= 0.05 {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, "%s\t%s\t%.3f\n", s, k, m.Weights[s][k])
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
		minDF  = 2
	)
	m := SectionModel{Bias: map[string]float64{}, Weights: map[string]map[string]float64{}}
	var sections []string
	for _, ex := range examples {
		if _, ok := m.Bias[ex.Section]; !ok {
			m.Bias[ex.Section] = 0
			m.Weights[ex.Section] = map[string]float64{}
			sections = append(sections, ex.Section)
		}
	}
	slices.Sort(sections)
	df := map[string]int{}
	feats := make([][]string, len(examples))
	for i, ex := range examples {
		feats[i] = ScopeFeatures(ex.Folded)
		for _, f := range feats[i] {
			df[f]++
		}
	}
	for i := range feats {
		feats[i] = slices.DeleteFunc(feats[i], func(f string) bool { return df[f] < minDF })
	}
	order := make([]int, len(examples))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(3, 4))
	z := make([]float64, len(sections))
	for range passes {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			top := math.Inf(-1)
			for k, s := range sections {
				z[k] = m.Bias[s]
				for _, f := range feats[i] {
					z[k] += m.Weights[s][f]
				}
				top = max(top, z[k])
			}
			sum := 0.0
			for k := range z {
				z[k] = math.Exp(z[k] - top)
				sum += z[k]
			}
			for k, s := range sections {
				g := z[k] / sum
				if s == examples[i].Section {
					g--
				}
				if math.Abs(g) < 1e-4 {
					continue
				}
				m.Bias[s] -= rate * g
				ws := m.Weights[s]
				for _, f := range feats[i] {
					ws[f] -= rate * g
				}
			}
		}
	}
	return m
}
