package bot

import (
	"context"
	"time"
)

// Session is the state of one conversation (one chat on one channel).
type Session struct {
	Key     string `bson:"_id"`
	Channel string `bson:"channel"`
	ChatID  string `bson:"chat_id"`

	Topic      string   `bson:"topic,omitempty"`       // procedure being discussed
	Section    string   `bson:"section,omitempty"`     // last section shown
	Pending    string   `bson:"pending,omitempty"`     // what the bot asked for (see Pending*)
	PendingArg string   `bson:"pending_arg,omitempty"` // e.g. the dossier code awaiting verification
	Candidates []string `bson:"candidates,omitempty"`  // last disambiguation choices

	// Commune is the citizen's commune or ward (its current name in the office
	// directory), once known; CommuneAsked: the bot asked for it already.
	Commune      string `bson:"commune,omitempty"`
	CommuneAsked bool   `bson:"commune_asked,omitempty"`

	Seq     int64  `bson:"seq"`     // number of answers given; each answer's feedback refers to it
	History []Turn `bson:"history"` // the last few turns, newest last

	Subscriptions []string `bson:"subscriptions,omitempty"` // dossier codes to notify about

	// Handoff is the conversation handed over to an officer (waiting, held, or
	// closed and not yet rated); empty when the bot alone answers.
	Handoff string `bson:"handoff,omitempty"`
	// Misses counts failed answers in a row (fallbacks); after two the bot
	// offers an officer.
	Misses int `bson:"misses,omitempty"`

	Version   int64     `bson:"version"` // optimistic concurrency: bumped on every save
	CreatedAt time.Time `bson:"created_at"`
	UpdatedAt time.Time `bson:"updated_at"`
	ExpiresAt time.Time `bson:"expires_at"`
}

// Pending states.
const (
	PendingNone         = ""
	PendingDossierCode  = "dossier_code"  // waiting for a dossier code
	PendingDossierPhone = "dossier_phone" // waiting for the last 4 phone digits of PendingArg
	PendingChoice       = "choice"        // offered candidates; PendingArg is the section asked for
)

// Turn is one exchange kept in the session history.
type Turn struct {
	Seq         int64     `bson:"seq"`
	At          time.Time `bson:"at"`
	Text        string    `bson:"text"`
	Intent      string    `bson:"intent"`
	ProcedureID string    `bson:"procedure_id,omitempty"`
	Section     string    `bson:"section,omitempty"`
	Answer      string    `bson:"answer,omitempty"` // the start of the reply, for feedback
}

// Limits of a session.
const (
	MaxHistory = 10
	SessionTTL = 30 * 24 * time.Hour
)

// SessionKey is the store key of a chat.
func SessionKey(channel, chatID string) string { return channel + ":" + chatID }

// SessionStore keeps sessions.
type SessionStore interface {
	// LoadSession returns the session for key, or a new one (Version 0) when there
	// is none or it expired.
	LoadSession(ctx context.Context, key string) (Session, error)
	// SaveSession writes s if nobody saved it since it was loaded (same Version),
	// bumping Version; otherwise it returns an error wrapping ErrConflict.
	SaveSession(ctx context.Context, s *Session) error
}

// addTurn appends t and keeps only the last MaxHistory turns.
func (s *Session) addTurn(t Turn) {
	s.History = append(s.History, t)
	if len(s.History) > MaxHistory {
		s.History = append([]Turn(nil), s.History[len(s.History)-MaxHistory:]...)
	}
}

// turn returns the turn with sequence seq, if still in the history.
func (s *Session) turn(seq int64) (Turn, bool) {
	for _, t := range s.History {
		if t.Seq == seq {
			return t, true
		}
	}
	return Turn{}, false
}
