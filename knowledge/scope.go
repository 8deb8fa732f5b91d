package knowledge

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
)

// ScopeModel estimates, from a question's words alone, how likely it asks
// something no how-to guide answers although it speaks of a covered topic:
// who is right in a dispute, whether something is punished, what a bank, a
// court or another country will do, advice, predictions ("ly hôn thì con 3
// tuổi ai được nuôi", "bằng lái quốc tế lái được ở Úc không"). It is a
// logistic model over the words of the question as the search reads it
// (ScopeFeatures), fitted by tools/trainmodels on the team's tuning question
// sets and shipped as seed/scope_model.tsv. The zero model knows nothing and
// says 0 for every question.
type ScopeModel struct {
	Bias    float64
	Weights map[string]float64
}

// scopeTail is how many of the last words of a question also count as the
// part that asks: "… có bị phạt không" asks about a fine wherever the story
// before it goes.
const scopeTail = 6

// ScopeFeatures returns the features ScopeModel reads from a question's
// folded words (vntext.FoldedTokens of the normalised question), each once:
// every word ("u:"), every pair of neighbouring words ("b:"), and the words
// and pairs of the last scopeTail words ("t1:", "t:").
func ScopeFeatures(folded []string) []string { return wordFeatures(folded, scopeTail) }

// wordFeatures returns every word of folded ("u:") and every pair of
// neighbouring words ("b:"), and, when tail > 0, the words and pairs of its
// last tail words ("t1:", "t:"), each feature once, in that order.
func wordFeatures(folded []string, tail int) []string {
	seen := make(map[string]bool, 4*len(folded))
	var out []string
	add := func(f string) {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	pairs := func(words []string, one, two string) {
		for i, t := range words {
			add(one + t)
			if i > 0 {
				add(two + words[i-1] + "_" + t)
			}
		}
	}
	pairs(folded, "u:", "b:")
	if tail > 0 {
		pairs(folded[max(0, len(folded)-tail):], "t1:", "t:")
	}
	return out
}

// Probability is the model's estimate that a question with these folded
// words asks something no guide answers; 0 for the zero model.
func (m ScopeModel) Probability(folded []string) float64 {
	if len(m.Weights) == 0 {
		return 0
	}
	z := m.Bias
	for _, f := range ScopeFeatures(folded) {
		z += m.Weights[f]
	}
	return 1 / (1 + math.Exp(-z))
}

// ParseScopeModel reads a model file: lines "feature<TAB>weight", "#"
// comments and blank lines ignored, the bias under the name "(bias)". A
// malformed line is an error naming the file and line.
func ParseScopeModel(name string, data []byte) (ScopeModel, error) {
	m := ScopeModel{Weights: map[string]float64{}}
	err := eachModelLine(name, data, 2, "feature<TAB>weight", func(_ int, cols []string, w float64) string {
		if cols[0] == biasKey {
			m.Bias = w
		} else {
			m.Weights[cols[0]] = w
		}
		return ""
	})
	if err != nil {
		return ScopeModel{}, err
	}
	return m, nil
}

// LoadSeedScopeModel reads the bundled scope model.
func LoadSeedScopeModel() (ScopeModel, error) {
	return loadSeedModel("scope_model.tsv", ParseScopeModel)
}

// Write writes the model in the format ParseScopeModel reads, features
// sorted, weights smaller than 0.005 in size left out; header lines are
// written first as comments.
func (m ScopeModel) Write(w io.Writer, header []string) error {
	b := modelHeader(header)
	fmt.Fprintf(b, "%s\t%.4f\n", biasKey, m.Bias)
	keys := make([]string, 0, len(m.Weights))
	for k, v := range m.Weights {
		if math.Abs(v) >= 0.005 {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(b, "%s\t%.3f\n", k, m.Weights[k])
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ScopeExample is one question for fitting: its folded words and whether it
// asks something no guide answers.
type ScopeExample struct {
	Folded []string
	Else   bool
}

// FitScopeModel fits a ScopeModel by stochastic gradient descent with a
// little L2 shrinkage (15 passes, a fixed shuffle: the same examples give
// the same model). Features seen in fewer than two examples are left out:
// one question's odd word says nothing of the next.
func FitScopeModel(examples []ScopeExample) ScopeModel {
	const (
		passes = 15
		rate   = 0.1
		l2     = 1e-3
	)
	folded := make([][]string, len(examples))
	for i, ex := range examples {
		folded[i] = ex.Folded
	}
	feats := commonFeatures(folded)
	m := ScopeModel{Weights: map[string]float64{}}
	shuffledPasses(len(examples), passes, rand.NewPCG(1, 2), func(pass, i int) {
		eta := rate / (1 + 0.5*float64(pass))
		z := m.Bias
		for _, f := range feats[i] {
			z += m.Weights[f]
		}
		p := 1 / (1 + math.Exp(-max(-30, min(30, z))))
		y := 0.0
		if examples[i].Else {
			y = 1
		}
		g := p - y
		m.Bias -= eta * g
		for _, f := range feats[i] {
			m.Weights[f] -= eta * (g + l2*m.Weights[f])
		}
	})
	return m
}
