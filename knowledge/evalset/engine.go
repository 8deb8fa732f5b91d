package evalset

import (
	"context"
	"fmt"
	"sync"

	"github.com/dvcbot/dvcbot/bot"
)

// EngineAsker returns an ask function for RunChat that puts each question to a
// real dialogue engine over s and procs, in a fresh conversation, with sessions
// kept in memory. It is what `dvcctl eval` and the evaluation tests measure.
func EngineAsker(s bot.Searcher, procs bot.ProcedureSource) (func(ctx context.Context, i int, q string) (Answer, error), error) {
	cfg := bot.Config{Searcher: s, Procedures: procs, Sessions: MemorySessions()}
	if n, ok := s.(bot.Normalizer); ok {
		cfg.Normalizer = n
	}
	if t, ok := s.(bot.TopicChecker); ok {
		cfg.Topics = t
	}
	if j, ok := s.(bot.ScopeJudge); ok {
		cfg.Scope = j
	}
	if g, ok := s.(bot.GuideJudge); ok {
		cfg.Guides = g
	}
	if j, ok := s.(bot.SectionJudge); ok {
		cfg.Sections = j
	}
	e, err := bot.New(cfg)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, i int, q string) (Answer, error) {
		r, err := e.Handle(ctx, bot.Message{Channel: "eval", ChatID: fmt.Sprint(i), Text: q})
		return Answer{ProcedureID: r.ProcedureID, Section: r.Section, Intent: r.Intent, Candidates: r.Candidates, Language: r.Language}, err
	}, nil
}

// MemorySessions returns an empty in-memory bot.SessionStore with
// compare-and-set: for measuring answers without a database in the way.
func MemorySessions() bot.SessionStore {
	return &memSessions{m: map[string]bot.Session{}}
}

// memSessions is an in-memory bot.SessionStore with compare-and-set.
type memSessions struct {
	mu sync.Mutex
	m  map[string]bot.Session
}

func (m *memSessions) LoadSession(_ context.Context, key string) (bot.Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.m[key], nil
}

func (m *memSessions) SaveSession(_ context.Context, s *bot.Session) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m[s.Key].Version != s.Version {
		return bot.ErrConflict
	}
	s.Version++
	m.m[s.Key] = *s
	return nil
}
