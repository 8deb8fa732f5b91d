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
