package search

import (
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
	folded := vntext.FoldedTokens(ix.Normalize(q))
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
	folded := vntext.FoldedTokens(ix.Normalize(q))
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
	folded := vntext.FoldedTokens(ix.Normalize(q))
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.sectionModel.Best(folded)
}
