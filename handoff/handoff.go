// Package handoff is the human handoff desk: a citizen who asks for a person is
// put in a queue, an officer (staff role "agent") claims the conversation,
// replies, transfers or closes it, and the citizen rates it. Officer replies
// reach the citizen through the notification outbox, so they arrive on the
// channel the citizen used (pushed to Telegram, Zalo and Messenger, picked up by
// the web chat), also after the citizen left.
//
// The package implements bot.HandoffDesk for the dialogue engine and the
// operations of the staff console. It keeps its state behind Store; every change
// of a conversation is a compare-and-set on its version, so several instances
// over one MongoDB never both claim one conversation.
package handoff

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/dossier"
	"github.com/dvcbot/dvcbot/internal/obs"
)

// Conversation statuses.
const (
	StatusWaiting = "waiting" // in a queue, nobody holds it
	StatusActive  = "active"  // an officer holds it
	StatusClosed  = "closed"
)

// Who wrote a transcript message.
const (
	FromCitizen = "citizen"
	FromBot     = "bot"
	FromStaff   = "staff"
	FromSystem  = "system"
)

// Conversation is one request for a person, from the request to the rating.
type Conversation struct {
	ID      string `json:"id"`
	Channel string `json:"channel"`
	ChatID  string `json:"chat_id"`
	Status  string `json:"status"`
	// Queue is the field the conversation waits in (e.g. "Cư trú"); empty is
	// the general queue.
	Queue        string `json:"queue"`
	Topic        string `json:"topic,omitempty"` // procedure under discussion when the citizen asked
	Assignee     string `json:"assignee"`        // staff id holding it
	AssigneeName string `json:"assignee_name,omitempty"`
	LastText     string `json:"last_text"`
	AfterHours   bool   `json:"after_hours"` // asked outside office hours: a written answer is promised

	CreatedAt    time.Time `json:"created_at"`
	WaitingSince time.Time `json:"waiting_since"`
	ClaimedAt    time.Time `json:"claimed_at,omitempty"`  // first claim
	AnsweredAt   time.Time `json:"answered_at,omitempty"` // first officer reply
	ClosedAt     time.Time `json:"closed_at,omitempty"`   //
	ClosedBy     string    `json:"closed_by,omitempty"`   // FromCitizen or a staff id
	Rating       int       `json:"rating,omitempty"`      // 1–5, 0 when not rated
	RatedAt      time.Time `json:"rated_at,omitempty"`    //
	UpdatedAt    time.Time `json:"updated_at"`            //
	ExpiresAt    time.Time `json:"-"`                     // the retention sweeper deletes it after this
	Version      int64     `json:"version"`               // compare-and-set
	Messages     []Message `json:"messages,omitempty"`    // the transcript (Get only)
	Transfers    []string  `json:"transfers,omitempty"`   // who moved it where, for the record
	Waited       string    `json:"waited,omitempty"`      // human-readable waiting time (lists)
	Position     int       `json:"position,omitempty"`    // place in the waiting queue (lists)
	Unread       int       `json:"unread,omitempty"`      // citizen messages since the last officer reply
	LastCitizen  time.Time `json:"last_citizen_at,omitempty"`
	LastStaff    time.Time `json:"last_staff_at,omitempty"`
	RequestText  string    `json:"request_text,omitempty"` // what the citizen wrote to ask for a person
	ExpectedWait string    `json:"expected_wait,omitempty"`
}

// Message is one line of a transcript.
type Message struct {
	ID     string    `json:"id"`
	ConvID string    `json:"conversation_id"`
	From   string    `json:"from"`             // FromCitizen, FromBot, FromStaff, FromSystem
	Author string    `json:"author,omitempty"` // the officer's name
	Text   string    `json:"text"`
	At     time.Time `json:"at"`
}

// Filter selects conversations for a list.
type Filter struct {
	Status  string    // one status, or empty for all
	Queue   string    // one queue; empty: all
	Since   time.Time // updated at or after
	Channel string
	ChatID  string
	Limit   int
}

// Store keeps conversations and their transcripts.
type Store interface {
	// Insert stores a new conversation; an error wrapping bot.ErrConflict when
	// its id exists.
	Insert(ctx context.Context, c Conversation) error
	// Get returns a conversation (without messages) or an error wrapping
	// bot.ErrNotFound.
	Get(ctx context.Context, id string) (Conversation, error)
	// Update replaces c if its stored version is still c.Version, and bumps
	// c.Version; otherwise an error wrapping bot.ErrConflict.
	Update(ctx context.Context, c *Conversation) error
	// List returns conversations matching f, oldest waiting first.
	List(ctx context.Context, f Filter) ([]Conversation, error)
	// AddMessage appends a transcript line; adding one whose ID exists is a no-op.
	AddMessage(ctx context.Context, m Message, expires time.Time) error
	// Messages returns a conversation's transcript, oldest first.
	Messages(ctx context.Context, convID string) ([]Message, error)
	// EraseChat deletes every conversation and transcript line of one chat and
	// says how many conversations went.
	EraseChat(ctx context.Context, channel, chatID string) (int64, error)
}

// Outbox queues a message for a chat; dossier.Outbox implementations qualify.
type Outbox interface {
	Enqueue(ctx context.Context, n dossier.Notification, now time.Time) error
}

// Errors of the staff operations (they wrap bot's sentinels, which the HTTP
// layer maps to status codes).
var (
	// ErrHeld: another officer holds the conversation (409).
	ErrHeld = fmt.Errorf("%w: another officer holds this conversation", bot.ErrConflict)
	// ErrClosed: the conversation is closed (409).
	ErrClosed = fmt.Errorf("%w: the conversation is closed", bot.ErrConflict)
)

// Agent is the officer acting.
type Agent struct {
	ID   string
	Name string
}

// Service is the handoff desk.
type Service struct {
	Store    Store
	Outbox   Outbox
	Schedule Schedule
	// Retention is how long a closed conversation and its transcript are kept
	// (default 180 days).
	Retention time.Duration
	Log       *slog.Logger
	Now       func() time.Time
}

var _ bot.HandoffDesk = (*Service)(nil)

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.New(slog.DiscardHandler)
}

func (s *Service) retention() time.Duration {
	if s.Retention > 0 {
		return s.Retention
	}
	return DefaultRetention
}

// DefaultRetention is how long transcripts are kept by default.
const DefaultRetention = 180 * 24 * time.Hour

// openExpiry bounds how long an open conversation can live unattended.
func (s *Service) openExpiry(now time.Time) time.Time {
	return now.Add(s.retention() + 30*24*time.Hour)
}

// maxText bounds one transcript line.
const maxText = 4000

func clip(t string) string {
	t = strings.TrimSpace(t)
	if utf8.RuneCountInString(t) > maxText {
		t = string([]rune(t)[:maxText]) + "…"
	}
	return t
}

// Request opens a conversation for the chat (r.ID makes it idempotent: asking
// again in a retried turn returns the same one) and says where it stands.
func (s *Service) Request(ctx context.Context, r bot.HandoffRequest) (bot.HandoffTicket, error) {
	now := r.At
	if now.IsZero() {
		now = s.now()
	}
	open := s.Schedule.At(now)
	c := Conversation{
		ID: r.ID, Channel: r.Channel, ChatID: r.ChatID, Status: StatusWaiting, Queue: r.Queue, Topic: r.Topic,
		LastText: clip(r.Text), RequestText: clip(r.Text), AfterHours: !open.Open,
		CreatedAt: now, WaitingSince: now, UpdatedAt: now, LastCitizen: now, ExpiresAt: s.openExpiry(now), Unread: 1,
	}
	err := s.Store.Insert(ctx, c)
	if err != nil && !errors.Is(err, bot.ErrConflict) {
		return bot.HandoffTicket{}, fmt.Errorf("handoff: open conversation: %w", err)
	}
	if err == nil {
		// The transcript starts with what the bot and the citizen said before.
		for i, t := range r.History {
			at := t.At
			if at.IsZero() || at.After(now) {
				at = now
			}
			if t.Text != "" {
				_ = s.Store.AddMessage(ctx, Message{ID: fmt.Sprintf("%s:h%d:q", c.ID, i), ConvID: c.ID, From: FromCitizen, Text: clip(t.Text), At: at}, c.ExpiresAt)
			}
			if t.Answer != "" {
				_ = s.Store.AddMessage(ctx, Message{ID: fmt.Sprintf("%s:h%d:a", c.ID, i), ConvID: c.ID, From: FromBot, Text: clip(t.Answer), At: at.Add(time.Millisecond)}, c.ExpiresAt)
			}
		}
		if r.Text != "" {
			_ = s.Store.AddMessage(ctx, Message{ID: c.ID + ":request", ConvID: c.ID, From: FromCitizen, Text: clip(r.Text), At: now}, c.ExpiresAt)
		}
		s.log().InfoContext(ctx, "handoff requested", "conversation", c.ID, "channel", c.Channel, "queue", c.Queue, "after_hours", c.AfterHours)
		obs.HandoffRequests.WithLabelValues(strconv.FormatBool(c.AfterHours)).Inc()
	}
	return s.ticket(ctx, r.ID, now)
}

// ticket says where conversation id stands: position, expected wait, or the
// next working time when the desk is closed.
func (s *Service) ticket(ctx context.Context, id string, now time.Time) (bot.HandoffTicket, error) {
	c, err := s.Store.Get(ctx, id)
	if err != nil {
		return bot.HandoffTicket{}, fmt.Errorf("handoff: %w", err)
	}
	t := bot.HandoffTicket{ID: c.ID, Status: c.Status}
	st := s.Schedule.At(now)
	if !st.Open {
		t.AfterHours, t.NextOpen, t.Hours = true, st.Change, s.Schedule.String()
		return t, nil
	}
	in, err := s.estimateInput(ctx, c, now)
	if err != nil {
		s.log().WarnContext(ctx, "handoff: estimate wait", "err", err)
		return t, nil
	}
	t.Position = in.Ahead + 1
	if in.Agents > 0 {
		// A wait is promised only when officers are seen working; otherwise
		// the citizen learns the place in the queue, not a time.
		t.Wait = Estimate(in)
		t.Estimated = true
	}
	return t, nil
}

// State says where a conversation stands for the dialogue engine.
func (s *Service) State(ctx context.Context, id string) (bot.HandoffState, error) {
	c, err := s.Store.Get(ctx, id)
	if err != nil {
		return bot.HandoffState{}, fmt.Errorf("handoff: %w", err)
	}
	return bot.HandoffState{Status: c.Status, Assignee: c.AssigneeName, Rated: c.Rating > 0, ClosedBy: c.ClosedBy}, nil
}

// Note adds a citizen's or the bot's message to the transcript of an open
// conversation (the officer sees it). The message id is derived from the
// conversation, the author and the time, so a retried turn adds it once.
func (s *Service) Note(ctx context.Context, id, from, text string, at time.Time) error {
	text = clip(text)
	if text == "" {
		return nil
	}
	c, err := s.Store.Get(ctx, id)
	if err != nil {
		return fmt.Errorf("handoff: %w", err)
	}
	if err := s.Store.AddMessage(ctx, Message{ID: fmt.Sprintf("%s:%s:%d", id, from, at.UnixNano()), ConvID: id, From: from, Text: text, At: at}, c.ExpiresAt); err != nil {
		return fmt.Errorf("handoff: note: %w", err)
	}
	if from != FromCitizen {
		return nil
	}
	return s.change(ctx, id, func(c *Conversation) error {
		c.LastText, c.LastCitizen, c.UpdatedAt = text, at, at
		c.Unread++
		return nil
	})
}

// Leave closes the conversation at the citizen's request ("kết thúc").
func (s *Service) Leave(ctx context.Context, id string, at time.Time) error {
	err := s.change(ctx, id, func(c *Conversation) error {
		if c.Status == StatusClosed {
			return nil
		}
		s.close(c, FromCitizen, at)
		return nil
	})
	if err == nil {
		obs.HandoffActions.WithLabelValues("leave").Inc()
		_ = s.Store.AddMessage(ctx, Message{ID: id + ":left", ConvID: id, From: FromSystem, Text: "Người dân đã kết thúc cuộc trò chuyện.", At: at}, at.Add(s.retention()))
	}
	return err
}

// Rate keeps the citizen's 1–5 rating of a closed conversation (the first one).
func (s *Service) Rate(ctx context.Context, id string, rating int, at time.Time) error {
	if rating < 1 || rating > 5 {
		return fmt.Errorf("%w: a rating is 1 to 5", bot.ErrInvalid)
	}
	rated := false
	err := s.change(ctx, id, func(c *Conversation) error {
		rated = c.Rating == 0
		if rated {
			c.Rating, c.RatedAt, c.UpdatedAt = rating, at, at
		}
		return nil
	})
	if err == nil && rated {
		obs.HandoffActions.WithLabelValues("rating").Inc()
		obs.HandoffRatings.WithLabelValues(strconv.Itoa(rating)).Inc()
	}
	return err
}

func (s *Service) close(c *Conversation, by string, at time.Time) {
	c.Status, c.ClosedAt, c.ClosedBy, c.UpdatedAt = StatusClosed, at, by, at
	c.ExpiresAt = at.Add(s.retention())
}

// change applies f to the stored conversation with compare-and-set, re-reading
// and re-applying on a conflict (another instance changed it meanwhile).
func (s *Service) change(ctx context.Context, id string, f func(c *Conversation) error) error {
	for attempt := 0; ; attempt++ {
		c, err := s.Store.Get(ctx, id)
		if err != nil {
			return fmt.Errorf("handoff: %w", err)
		}
		if err := f(&c); err != nil {
			return err
		}
		err = s.Store.Update(ctx, &c)
		if err == nil {
			return nil
		}
		if !errors.Is(err, bot.ErrConflict) || attempt == 4 {
			return fmt.Errorf("handoff: update %s: %w", id, err)
		}
	}
}
