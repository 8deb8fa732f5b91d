package search

import (
	"math"

	"github.com/dvcbot/dvcbot/bot"
)

// Features turns one hit's evidence into the inputs of the confidence model,
// each scaled to about 0..1. The order matches Model.Weights.
func Features(ev bot.Evidence) []float64 {
	b := func(v bool) float64 {
		if v {
			return 1
		}
		return 0
	}
	return []float64{
		ev.NameCoverage,
		ev.Residual,
		math.Min(float64(ev.Anchor), 4) / 4,
		b(ev.FullName),
		math.Min(float64(ev.Foreign), 4) / 4,
		math.Min(float64(ev.Unknown), 3) / 3,
		ev.Coverage,
		b(ev.RarePhrase),
		math.Max(ev.Margin, -1),
		1 / float64(max(ev.Words, 1)),
		ev.NameFit,
		b(ev.OffTopic || ev.Excluded),
	}
}

// FeatureNames name Features' entries, for reports.
var FeatureNames = []string{"name_coverage", "residual", "anchor", "full_name", "foreign", "unknown", "coverage", "rare_phrase", "margin", "inv_words", "name_fit", "off_topic"}

// Model is a logistic model of "this hit is a right answer".
type Model struct {
	Bias    float64
	Weights []float64
}

// Probability is the model's estimate for one hit's evidence. Negative
// evidence is a veto, not one weight among others: a hit the question says is
// about something else never reaches more than offTopicCap, so it may be
// offered as a choice but is never answered outright. That is the case when
// the question names something the guide excludes (Excluded), or a subject the
// knowledge base does not cover (OffTopic) without naming one of the guide's
// names whole ("xác nhận tình trạng hôn nhân để vay ngân hàng" names the
// guide; the bank is its purpose).
//
// A question that describes the life situation a situation guide is written
// for (Situation) is as sure as its pattern is strict: at least
// situationFloor, whatever story words around it lower the model's estimate.
func (m Model) Probability(ev bot.Evidence) float64 {
	p := m.ProbabilityOf(Features(ev))
	if vetoed(ev) {
		return math.Min(p, offTopicCap)
	}
	if ev.Situation {
		p = math.Max(p, situationFloor)
	}
	return p
}

// situationFloor is the least confidence in a situation guide whose situation
// the question describes.
const situationFloor = 0.9

// vetoed reports whether the question says the hit is about something else
// (see Probability).
func vetoed(ev bot.Evidence) bool {
	return ev.Excluded || (ev.OffTopic && !(ev.FullName && ev.NameFit >= 0.99))
}

// offTopicCap is the most a hit with negative evidence can be trusted.
const offTopicCap = 0.5

// ProbabilityOf is the model's estimate for one Features row.
func (m Model) ProbabilityOf(x []float64) float64 {
	z := m.Bias
	for i, v := range x {
		if i < len(m.Weights) {
			z += m.Weights[i] * v
		}
	}
	return 1 / (1 + math.Exp(-z))
}

// Fit trains a logistic model by full-batch gradient descent with a little L2
// regularisation. xs are Features rows, ys 1 for a right hit and 0 otherwise.
func Fit(xs [][]float64, ys []float64, iterations int) Model {
	if len(xs) == 0 {
		return Model{}
	}
	n := len(xs[0])
	m := Model{Weights: make([]float64, n)}
	const rate, l2 = 0.5, 1e-3
	for it := 0; it < iterations; it++ {
		gb := 0.0
		gw := make([]float64, n)
		for k, x := range xs {
			z := m.Bias
			for i, v := range x {
				z += m.Weights[i] * v
			}
			d := 1/(1+math.Exp(-z)) - ys[k]
			gb += d
			for i, v := range x {
				gw[i] += d * v
			}
		}
		m.Bias -= rate * gb / float64(len(xs))
		for i := range gw {
			m.Weights[i] -= rate * (gw[i]/float64(len(xs)) + l2*m.Weights[i])
		}
	}
	return m
}

// DefaultModel is fitted by `go run ./tools/calibrate` on the development and
// tuning question sets (never on the frozen set).
var DefaultModel = Model{Bias: -3.925, Weights: []float64{0.469, -0.510, 0.570, 0.304, -0.716, 0.219, 1.292, 1.350, 3.024, -1.153, 2.300, -2.081}}

// AnswerThreshold is the confidence from which the best hit is answered.
const AnswerThreshold = 0.75

// A hit whose name the question asks about whole and that explains nearly
// every word of it is answered from namedThreshold: the model weighs a long,
// everyday question's many small words against it ("sổ đỏ nhà tôi bị mất
// trong đợt lũ năm ngoái thì xin cấp lại ở đâu"), though none of them is
// about anything else. The name may lack its action ("khai tử" for "Đăng ký
// khai tử", a NameFit of at least namedFit). It must stand clear of the next hit
// (namedMargin), leave little unexplained (namedResidual), use at most one
// word the knowledge base does not know (a brand or a place: "mua lại xe Wave
// của ông hàng xóm, sang tên cần mang gì"), and carry no negative evidence.
const (
	namedThreshold = 0.6
	namedFit       = 0.6
	namedMargin    = 0.3
	namedResidual  = 0.15
)

// answerable reports whether the best hit h is answered outright: its
// confidence reaches the answer threshold, or it is named whole and clean
// (see namedThreshold).
func (ix *Index) answerable(h bot.SearchHit) bool {
	if h.Confidence >= ix.threshold {
		return true
	}
	ev := h.Evidence
	return h.Confidence >= min(namedThreshold, ix.threshold) && ev.FullName && ev.NameFit >= namedFit && ev.Margin >= namedMargin &&
		ev.Residual < namedResidual && ev.Unknown <= 1 && !ev.OffTopic && !ev.Excluded
}

// promoteGap is how much more a trusted hit below the first must be trusted
// to take the first place (see Index.search): two near-equal guides ("hộ kinh
// doanh" names the registration and the tax alike) stay as ranked, to be
// asked between.
const promoteGap = 0.15
