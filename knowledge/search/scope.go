package search

import (
	"sync"

	"github.com/dvcbot/dvcbot/knowledge"
	"github.com/dvcbot/dvcbot/knowledge/vntext"
)

// SetScopeModel replaces the model that judges whether a question asks
// something no guide answers (see knowledge.ScopeModel); the zero model
// judges nothing.
func (ix *Index) SetScopeModel(m knowledge.ScopeModel) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.scope = m
}

// AsksElse returns the scope model's estimate, between 0 and 1, that q asks
// something no how-to guide answers, reading q as Search reads it (shorthand
// expanded, marks folded). It is 0 without a model.
func (ix *Index) AsksElse(q string) float64 {
	folded := ix.modelWords(q)
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.scope.Probability(folded)
}

// SetGuideModel replaces the model that recognises which guide a question's
// wording resembles (see knowledge.GuideModel); the zero model recognises
// nothing.
func (ix *Index) SetGuideModel(m knowledge.GuideModel) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.guideModel = m
}

// Resembles returns the guide whose questions q's wording most resembles,
// read as Search reads it, and the guide model's probability of it; "" when
// the wording resembles questions about no guide, or there is no model.
func (ix *Index) Resembles(q string) (id string, p float64) {
	folded := ix.modelWords(q)
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	id, p = ix.guideModel.Best(folded)
	if id == knowledge.GuideNone {
		return "", p
	}
	return id, p
}

// SetSectionModel replaces the model that reads which part of a guide a
// question asks for (see knowledge.SectionModel); the zero model reads
// nothing.
func (ix *Index) SetSectionModel(m knowledge.SectionModel) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.sectionModel = m
}

// SectionAsked returns the part of a guide q's wording most likely asks for,
// read as Search reads it, and the section model's probability of it; ""
// without a model.
func (ix *Index) SectionAsked(q string) (section string, p float64) {
	folded := ix.modelWords(q)
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.sectionModel.Best(folded)
}

// wordsMemo holds the models' reading of recent questions (modelWords) for
// one generation of what Normalize reads.
type wordsMemo struct {
	mu    sync.Mutex
	gen   uint64
	words map[string][]string
}

// wordsMemoSize bounds the questions remembered; the memo starts afresh when
// full. A turn asks the models about one message a few times.
const wordsMemoSize = 256

// modelWords returns q's folded words as Search reads them
// (vntext.FoldedTokens of Normalize), which every learnt model reads,
// normalizing each message once per change of the dictionaries and
// vocabulary rather than once per model. The result is shared: callers must
// not modify it.
func (ix *Index) modelWords(q string) []string {
	gen := ix.wordsGen.Load()
	m := &ix.words
	m.mu.Lock()
	if m.gen == gen {
		if w, ok := m.words[q]; ok {
			m.mu.Unlock()
			return w
		}
	}
	m.mu.Unlock()
	w := vntext.FoldedTokens(ix.Normalize(q))
	m.mu.Lock()
	defer m.mu.Unlock()
	if ix.wordsGen.Load() != gen {
		return w // read while the dictionaries changed: not remembered
	}
	if m.gen != gen || m.words == nil || len(m.words) >= wordsMemoSize {
		m.gen, m.words = gen, map[string][]string{}
	}
	m.words[q] = w
	return w
}
