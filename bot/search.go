package bot

import "context"

// Searcher ranks procedures for a citizen's question.
type Searcher interface {
	// Search returns at most limit hits, best first. An empty or meaningless
	// question gives no hits and no error. Confident is true when the best hit
	// explains the question well enough to answer with it.
	Search(ctx context.Context, question string, limit int) (SearchResult, error)
}

// SearchResult is a ranked list of procedures with a confidence verdict.
type SearchResult struct {
	Query     string      `json:"query"` // the analysed (folded) question
	Hits      []SearchHit `json:"results"`
	Confident bool        `json:"confident"`
}

// SearchHit is one ranked procedure.
type SearchHit struct {
	ID          string  `json:"id"`
	Title       string  `json:"title"`
	Field       string  `json:"field,omitempty"`
	Score       float64 `json:"score"`
	Coverage    float64 `json:"coverage"`               // weighted share of the question explained by the procedure
	PhraseMatch bool    `json:"phrase_match,omitempty"` // a two-syllable phrase of the question is in its names
	Snippet     string  `json:"snippet,omitempty"`
}

// Margin is the relative gap between the best and the second hit (1 when alone).
func (r SearchResult) Margin() float64 {
	if len(r.Hits) == 0 {
		return 0
	}
	if len(r.Hits) == 1 || r.Hits[0].Score <= 0 {
		return 1
	}
	return (r.Hits[0].Score - r.Hits[1].Score) / r.Hits[0].Score
}
