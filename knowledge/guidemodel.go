package knowledge

import (
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
)

// GuideModel recognises which guide a question's wording resembles, learnt
// from the questions of the team's tuning sets: a multinomial naive Bayes
// model over the words and pairs of words of a question as the search reads
// it, one class per guide and one (GuideNone) for questions about none. It
// knows how citizens say things no guide's text says ("cà vẹt xe bị mất" is
// the vehicle registration re-issue, "tiền già" the social allowance), and
// is trusted only beside the search (see bot.GuideJudge). The zero model
// recognises nothing. It is fitted by tools/trainmodels and shipped as
// seed/guide_model.tsv.
type GuideModel struct {
	classes []guideClass
}

// GuideNone is the class of questions about no guide.
const GuideNone = "-"

type guideClass struct {
	id     string
	prior  float64            // examples of the class (fractional for a question with several right guides)
	total  float64            // feature occurrences counted in the class
	counts map[string]float64 // feature → occurrences in the class (those below guideMinCount left out)
}

// guideVocab is the vocabulary size in the additive smoothing, and
// guideAlpha the pseudo-count every feature gets.
const (
	guideVocab = 50000
	guideAlpha = 0.5
)

// guideMinCount: a feature seen fewer times than this in a class counts as
// unseen there (keeps the file small and one question's odd word out).
const guideMinCount = 2

// GuideFeatures returns the features GuideModel reads from a question's
// folded words: every word and every pair of neighbouring words, each once.
func GuideFeatures(folded []string) []string { return wordFeatures(folded, 0) }

// Best returns the class the question's folded words most resemble and its
// posterior probability; "" and 0 for the zero model.
func (m GuideModel) Best(folded []string) (id string, p float64) {
	if len(m.classes) == 0 {
		return "", 0
	}
	feats := GuideFeatures(folded)
	var n float64
	for _, c := range m.classes {
		n += c.prior
	}
	scores := make([]float64, len(m.classes))
	best := 0
	for i, c := range m.classes {
		s := math.Log(c.prior / n)
		d := math.Log(c.total + guideAlpha*guideVocab)
		for _, f := range feats {
			s += math.Log(c.counts[f]+guideAlpha) - d
		}
		scores[i] = s
		if s > scores[best] {
			best = i
		}
	}
	var z float64
	for _, s := range scores {
		z += math.Exp(s - scores[best])
	}
	return m.classes[best].id, 1 / z
}

// GuideExample is one question for fitting: its folded words and the guides
// that answer it (none for a question about no guide).
type GuideExample struct {
	Folded []string
	IDs    []string
}

// FitGuideModel counts the examples; a question with several right guides
// counts for each in equal parts, one with none for GuideNone.
func FitGuideModel(examples []GuideExample) GuideModel {
	byID := map[string]*guideClass{}
	for _, ex := range examples {
		ids := ex.IDs
		if len(ids) == 0 {
			ids = []string{GuideNone}
		}
		share := 1 / float64(len(ids))
		feats := GuideFeatures(ex.Folded)
		for _, id := range ids {
			c := byID[id]
			if c == nil {
				c = &guideClass{id: id, counts: map[string]float64{}}
				byID[id] = c
			}
			c.prior += share
			c.total += share * float64(len(feats))
			for _, f := range feats {
				c.counts[f] += share
			}
		}
	}
	var m GuideModel
	for _, c := range byID {
		maps.DeleteFunc(c.counts, func(_ string, v float64) bool { return v < guideMinCount })
		m.classes = append(m.classes, *c)
	}
	slices.SortFunc(m.classes, func(a, b guideClass) int { return strings.Compare(a.id, b.id) })
	return m
}

// guide model file keys for a class's prior and total.
const (
	guidePriorKey = "(prior)"
	guideTotalKey = "(total)"
)

// Write writes the model in the format ParseGuideModel reads: lines
// "guide<TAB>feature<TAB>count", classes and features sorted, after header
// lines written as comments.
func (m GuideModel) Write(w io.Writer, header []string) error {
	b := modelHeader(header)
	for _, c := range m.classes {
		fmt.Fprintf(b, "%s\t%s\t%g\n%s\t%s\t%g\n", c.id, guidePriorKey, round2(c.prior), c.id, guideTotalKey, round2(c.total))
		keys := make([]string, 0, len(c.counts))
		for k := range c.counts {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			fmt.Fprintf(b, "%s\t%s\t%g\n", c.id, k, round2(c.counts[k]))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// ParseGuideModel reads a model file ("#" comments and blank lines
// ignored). A malformed line, or a class without its prior and total, is an
// error naming the file (and line).
func ParseGuideModel(name string, data []byte) (GuideModel, error) {
	byID := map[string]*guideClass{}
	var order []string
	err := eachModelLine(name, data, 3, "guide<TAB>feature<TAB>count", func(_ int, cols []string, v float64) string {
		if v < 0 {
			return "count must be a number of at least 0"
		}
		c := byID[cols[0]]
		if c == nil {
			c = &guideClass{id: cols[0], counts: map[string]float64{}}
			byID[cols[0]] = c
			order = append(order, cols[0])
		}
		switch cols[1] {
		case guidePriorKey:
			c.prior = v
		case guideTotalKey:
			c.total = v
		default:
			c.counts[cols[1]] = v
		}
		return ""
	})
	if err != nil {
		return GuideModel{}, err
	}
	var m GuideModel
	for _, id := range order {
		c := byID[id]
		if c.prior <= 0 || c.total <= 0 {
			return GuideModel{}, &FieldError{File: name, Field: id, Msg: "needs a (prior) and a (total) above 0"}
		}
		m.classes = append(m.classes, *c)
	}
	return m, nil
}

// LoadSeedGuideModel reads the bundled guide model.
func LoadSeedGuideModel() (GuideModel, error) {
	return loadSeedModel("guide_model.tsv", ParseGuideModel)
}
