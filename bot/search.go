package bot

import "context"

// Searcher ranks procedures for a citizen's question.
type Searcher interface {
	// Search returns at most limit hits, best first. An empty or meaningless
	// question gives no hits and no error. Confident is true when the best hit
	// explains the question well enough to answer with it.
	Search(ctx context.Context, question string, limit int) (SearchResult, error)
	// SearchWithin ranks like Search for part, one clause of a longer
	// message, except that the subject matter a guide is limited to may be
	// named anywhere in message: "khách Hàn Quốc thuê phòng, khai báo tạm
	// trú cho họ thế nào" keeps the foreign guest's declaration for its
	// second clause. Everything else is judged on part alone.
	SearchWithin(ctx context.Context, part, message string, limit int) (SearchResult, error)
}

// SearchResult is a ranked list of procedures with a confidence verdict.
type SearchResult struct {
	Query     string      `json:"query"` // the analysed (folded) question
	Hits      []SearchHit `json:"results"`
	Confident bool        `json:"confident"`
	// NotCovered names a subject the question is about that the knowledge base
	// does not cover, with where to turn instead (nil when none).
	NotCovered *NotCovered `json:"not_covered,omitempty"`
}

// NotCovered is a subject outside the knowledge base.
type NotCovered struct {
	Name string `json:"name"`
	Help string `json:"help"`
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
	// Official: the hit is an imported official catalogue record, not a guide.
	Official bool     `json:"official,omitempty"`
	Evidence Evidence `json:"evidence"`
	// Confidence is the calibrated probability that this procedure is a right
	// answer to the question, from its Evidence.
	Confidence float64 `json:"confidence"`
	// Plausibility is the same estimate as if no other procedure competed
	// (margin 0): how worth offering this procedure is in a clarifying question.
	Plausibility float64 `json:"plausibility"`
}

// Evidence is what a question's own words say for and against one procedure.
type Evidence struct {
	// NameCoverage is the weighted share of the question's content words found
	// in the procedure's names (title, aliases, field) or its abbreviations.
	NameCoverage float64 `json:"name_coverage"`
	// Residual is the weighted share of content words the procedure's whole text
	// never uses: words about something else.
	Residual float64 `json:"residual"`
	// Anchor is the length in syllables of the longest run of the question that
	// is also a run of one of the procedure's names (an abbreviation that
	// expands to its name counts as 2).
	Anchor int `json:"anchor"`
	// FullName: one of the procedure's names (two syllables or more) stands
	// whole in the question.
	FullName bool `json:"full_name"`
	// Foreign counts content words that are in other procedures' names but
	// nowhere in this one's text: signs of another topic.
	Foreign int `json:"foreign"`
	// Unknown counts content words no procedure uses anywhere.
	Unknown int `json:"unknown"`
	// Coverage is the weighted share of the question the procedure explains
	// (names fully, summary words half).
	Coverage float64 `json:"coverage"`
	// RarePhrase: a two-syllable phrase of the question is in the procedure's
	// title and in few other procedures' names.
	RarePhrase bool `json:"rare_phrase"`
	// Margin is (this score − the best other score) / this score.
	Margin float64 `json:"margin"`
	// Words is the number of content words of the question.
	Words int `json:"words"`
	// NameFit is the largest share of one of the procedure's names (in
	// syllables) that the question contains as one run: 1 when a whole name
	// is asked about, small when the question only touches a long name.
	NameFit float64 `json:"name_fit"`
	// OffTopic: the question names a subject the knowledge base does not cover
	// and this procedure's text never mentions it.
	OffTopic bool `json:"off_topic"`
	// Excluded: the question names something this procedure's guide says it
	// is not about (its not_about list).
	Excluded bool `json:"excluded,omitempty"`
	// Situation: the question describes the life situation this situation
	// guide is written for (its situation list: "mất ví có căn cước và bằng
	// lái"), which outweighs the single procedures it leads to.
	Situation bool `json:"situation,omitempty"`
	// Closely: an official record the question names closely (a run of
	// three syllables or more of its names, nearly every word of the
	// question in its text); such a record is weighed against other records
	// only, and a guide the question says it is not about is no rival to it.
	Closely bool `json:"closely,omitempty"`
	// NameLo and NameHi bound the widest unbroken run of the question's
	// content words ([NameLo, NameHi)) that is a run of one of the names;
	// both 0 when there is none.
	NameLo, NameHi int `json:"-"`
	// ActionAt is 1 + the position of the first content word of that run
	// that belongs to a two-word action ("sang tên", "gia hạn"); 0 when none.
	ActionAt int `json:"-"`
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
