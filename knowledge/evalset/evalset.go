// Package evalset reads question sets (TSV: question, expected_id,
// expected_section) and scores a searcher on them: top-1, top-3, MRR and the
// misses. Rows whose expected id is "-" are out of scope: the right answer is
// "not confident".
package evalset

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/dvcbot/dvcbot/bot"
)

// Row is one question with its expected procedure ("" when out of scope). A row
// may accept several procedures (expected ids separated by "|"): WantID is the
// first, WantIDs all of them.
type Row struct {
	Line     int
	Question string
	WantID   string
	WantIDs  []string
	Section  string
}

// OutOfScope reports whether the row expects no procedure.
func (r Row) OutOfScope() bool { return r.WantID == "" }

// Accepts reports whether id is a right answer for the row.
func (r Row) Accepts(id string) bool {
	for _, w := range r.WantIDs {
		if w == id {
			return true
		}
	}
	return false
}

// Read parses a TSV with a header row; lines starting with # are comments.
func Read(r io.Reader) ([]Row, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	var rows []Row
	line := 0
	header := false
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		if len(rows) == 0 && !header && strings.HasPrefix(text, "question") {
			header = true // the header row, after any leading comments
			continue
		}
		cols := strings.Split(text, "\t")
		if len(cols) < 2 {
			return nil, fmt.Errorf("line %d: want question<TAB>expected_id[<TAB>section]", line)
		}
		row := Row{Line: line, Question: cols[0]}
		if want := strings.TrimSpace(cols[1]); want != "-" && want != "" {
			for _, id := range strings.Split(want, "|") {
				if id = strings.TrimSpace(id); id != "" {
					row.WantIDs = append(row.WantIDs, id)
				}
			}
			if len(row.WantIDs) > 0 {
				row.WantID = row.WantIDs[0]
			}
		}
		if len(cols) > 2 {
			row.Section = strings.TrimSpace(cols[2])
		}
		rows = append(rows, row)
	}
	return rows, sc.Err()
}

// Miss is a row the searcher got wrong.
type Miss struct {
	Row  Row
	Got  []string // top ids
	Rank int      // 1-based rank of the expected id, 0 when absent
	Why  string
}

// Report is the score of one run.
type Report struct {
	InScope, OutScope   int
	Top1, Top3          int
	ReciprocalRank      float64
	OutScopeOK          int // out-of-scope rows answered "not confident"
	InScopeNotConfident int // in-scope rows where the best hit was right but not confident
	Misses              []Miss
}

// Top1Rate etc. are the usual ratios over in-scope rows.
func (r Report) Top1Rate() float64 { return ratio(r.Top1, r.InScope) }
func (r Report) Top3Rate() float64 { return ratio(r.Top3, r.InScope) }
func (r Report) MRR() float64      { return r.ReciprocalRank / float64(max(r.InScope, 1)) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Run scores s on rows.
func Run(ctx context.Context, s bot.Searcher, rows []Row) (Report, error) {
	var rep Report
	for _, row := range rows {
		res, err := s.Search(ctx, row.Question, 10)
		if err != nil {
			return rep, fmt.Errorf("line %d: %w", row.Line, err)
		}
		var ids []string
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		if row.OutOfScope() {
			rep.OutScope++
			if !res.Confident {
				rep.OutScopeOK++
			} else {
				rep.Misses = append(rep.Misses, Miss{Row: row, Got: first(ids, 3), Why: "out of scope but answered confidently"})
			}
			continue
		}
		rep.InScope++
		rank := 0
		for i, id := range ids {
			if row.Accepts(id) {
				rank = i + 1
				break
			}
		}
		if rank > 0 {
			rep.ReciprocalRank += 1 / float64(rank)
		}
		if rank == 1 {
			rep.Top1++
			if !res.Confident {
				rep.InScopeNotConfident++
				rep.Misses = append(rep.Misses, Miss{Row: row, Got: first(ids, 3), Rank: rank, Why: "right but not confident"})
			}
		} else {
			rep.Misses = append(rep.Misses, Miss{Row: row, Got: first(ids, 3), Rank: rank, Why: "wrong top-1"})
		}
		if rank >= 1 && rank <= 3 {
			rep.Top3++
		}
	}
	return rep, nil
}

func first(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// Print writes the report in plain text.
func (r Report) Print(w io.Writer) {
	fmt.Fprintf(w, "in-scope rows: %d   top-1: %.3f (%d)   top-3: %.3f (%d)   MRR: %.3f\n",
		r.InScope, r.Top1Rate(), r.Top1, r.Top3Rate(), r.Top3, r.MRR())
	fmt.Fprintf(w, "right but not confident: %d   out-of-scope rows: %d, refused: %d\n", r.InScopeNotConfident, r.OutScope, r.OutScopeOK)
	for _, m := range r.Misses {
		fmt.Fprintf(w, "MISS line %d (%s): %q want %s rank %d got %v\n", m.Row.Line, m.Why, m.Row.Question, orDash(m.Row.WantID), m.Rank, m.Got)
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// Answer is what a dialogue said to one question: the procedure it claimed
// ("" when it asked back or declined), the section, and the procedures it
// offered to choose from when it asked back.
type Answer struct {
	ProcedureID string
	Section     string
	Intent      string
	Candidates  []string
	Language    string // "en" for a reply in English, "" for Vietnamese
}

// ChatReport scores whole answers: the claimed procedure and the section.
//
// A wrong answer is a claimed procedure that is not a right one for the row,
// counted over every row (in scope or not): asking back or declining is never
// wrong, only unhelpful.
type ChatReport struct {
	InScope, OutScope int
	ProcedureRight    int
	SectionRight      int // among rows whose procedure is right
	SectionRows       int // rows with an expected section and the right procedure
	OutScopeFallback  int
	Wrong             int // rows answered with a procedure that is not a right one
	AskedRight        int // in-scope rows answered with a question that offers a right procedure
	Unanswered        int // in-scope rows answered with no procedure
	ProcedureMisses   []ChatMiss
	SectionMisses     []ChatMiss
	OutScopeMisses    []ChatMiss
}

// ChatMiss is one wrong answer.
type ChatMiss struct {
	Row Row
	Got Answer
}

// ProcedureRate etc. are the usual ratios.
func (r ChatReport) ProcedureRate() float64 { return ratio(r.ProcedureRight, r.InScope) }
func (r ChatReport) SectionRate() float64   { return ratio(r.SectionRight, r.SectionRows) }

// WrongRate is the share of all rows answered with a wrong procedure.
func (r ChatReport) WrongRate() float64 { return ratio(r.Wrong, r.InScope+r.OutScope) }

// OutScopeRate is the share of out-of-scope rows that got no procedure.
func (r ChatReport) OutScopeRate() float64 { return ratio(r.OutScopeFallback, r.OutScope) }

// AnsweredRate is the share of all rows answered with a procedure.
func (r ChatReport) AnsweredRate() float64 {
	return ratio(r.ProcedureRight+r.Wrong, r.InScope+r.OutScope)
}

// RunChat asks each row in a fresh conversation through ask and scores the answers.
func RunChat(ctx context.Context, rows []Row, ask func(ctx context.Context, i int, question string) (Answer, error)) (ChatReport, error) {
	var rep ChatReport
	for i, row := range rows {
		a, err := ask(ctx, i, row.Question)
		if err != nil {
			return rep, fmt.Errorf("line %d: %w", row.Line, err)
		}
		if row.OutOfScope() {
			rep.OutScope++
			if a.ProcedureID == "" {
				rep.OutScopeFallback++
			} else {
				rep.Wrong++
				rep.OutScopeMisses = append(rep.OutScopeMisses, ChatMiss{row, a})
			}
			continue
		}
		rep.InScope++
		if !row.Accepts(a.ProcedureID) {
			if a.ProcedureID != "" {
				rep.Wrong++
			} else {
				rep.Unanswered++
				for _, c := range a.Candidates {
					if row.Accepts(c) {
						rep.AskedRight++
						break
					}
				}
			}
			rep.ProcedureMisses = append(rep.ProcedureMisses, ChatMiss{row, a})
			continue
		}
		rep.ProcedureRight++
		if row.Section != "" {
			rep.SectionRows++
			if a.Section == row.Section {
				rep.SectionRight++
			} else {
				rep.SectionMisses = append(rep.SectionMisses, ChatMiss{row, a})
			}
		}
	}
	return rep, nil
}

// Print writes the chat report in plain text.
func (r ChatReport) Print(w io.Writer) {
	r.PrintSummary(w)
	for _, m := range r.ProcedureMisses {
		kind := "WRONG"
		if m.Got.ProcedureID == "" {
			kind = "NO-ANSWER(" + m.Got.Intent + ")"
		}
		fmt.Fprintf(w, "%s line %d: %q want %s got %q (%s) offered %v\n", kind, m.Row.Line, m.Row.Question, strings.Join(m.Row.WantIDs, "|"), m.Got.ProcedureID, m.Got.Section, m.Got.Candidates)
	}
	for _, m := range r.SectionMisses {
		fmt.Fprintf(w, "SECTION line %d: %q want %s got %s\n", m.Row.Line, m.Row.Question, m.Row.Section, m.Got.Section)
	}
	for _, m := range r.OutScopeMisses {
		fmt.Fprintf(w, "OUT-OF-SCOPE line %d: %q answered %s\n", m.Row.Line, m.Row.Question, m.Got.ProcedureID)
	}
}

// PrintSummary writes the one-line scores.
func (r ChatReport) PrintSummary(w io.Writer) {
	fmt.Fprintf(w, "rows: %d (in scope %d, out of scope %d)   top-1: %.3f (%d)   section: %.3f (%d/%d)   out-of-scope handled: %.3f (%d/%d)   wrong-answer rate: %.3f (%d)   asked/declined in scope: %d (offered the right one: %d)\n",
		r.InScope+r.OutScope, r.InScope, r.OutScope, r.ProcedureRate(), r.ProcedureRight, r.SectionRate(), r.SectionRight, r.SectionRows,
		r.OutScopeRate(), r.OutScopeFallback, r.OutScope, r.WrongRate(), r.Wrong, r.Unanswered, r.AskedRight)
}

// MeasureOnly reports whether path is one of the frozen sets (frozen/) or
// the cold checks (cold/): they measure the result and must never shape it,
// so tools that calibrate or fit refuse them.
func MeasureOnly(path string) bool {
	return strings.Contains(path, "frozen") || strings.Contains(path, filepath.Join("evalset", "cold"))
}
