// Package channel is what every chat channel (Telegram, Zalo, Messenger)
// shares: events de-duplicated in the store, a bounded worker pool that keeps
// each chat's events in order, the engine call, sending with retries and
// rate-limit waits, parking of unfinished events at shutdown and their
// recovery at the next start, the reply window of platforms that limit
// unsolicited messages, and delivery of dossier notifications. A channel package
// only verifies and decodes its webhook into Events and implements Platform
// (render a bot.Response and send it), and Preparer when its events need work
// of their own in the worker (Telegram's pressed buttons and group messages).
//
// It imports bot, dossier, internal/obs and gin; it reaches the database only
// through Store, which store.ChannelState implements (Telegram adapts its own
// store.TelegramUpdates).
package channel

import (
	"context"
	"errors"
	"time"

	"github.com/dvcbot/dvcbot/bot"
)

// Kind is what an Event asks for.
type Kind string

// Event kinds.
const (
	KindMessage  Kind = "message"  // text typed or a button pressed: answer it
	KindFollow   Kind = "follow"   // the citizen followed or (re)opened the chat: greet
	KindUnfollow Kind = "unfollow" // the citizen left or blocked: send nothing unsolicited
)

// Event is one decoded webhook event of a platform.
type Event struct {
	ID     string    `json:"id"`               // platform's id, de-duplicated within the channel
	Chat   string    `json:"chat"`             // the conversation; events of one chat are handled in order
	Kind   Kind      `json:"kind"`             // KindMessage, KindFollow, KindUnfollow
	Text   string    `json:"text,omitempty"`   // typed text
	Action string    `json:"action,omitempty"` // a pressed button's engine action
	At     time.Time `json:"at"`               // when the citizen sent it; zero: when it is handled

	// Raw, when set, is the platform's own payload, stored in place of the
	// Event's JSON (Config.Decode reads it back at the next start). A message
	// with Raw but neither Text nor Action is still accepted: its Preparer
	// decides.
	Raw []byte `json:"-"`
	// Payload is the platform's decoded event, for its Preparer.
	Payload any `json:"-"`
}

// Engine answers messages; *bot.Engine implements it.
type Engine interface {
	Handle(ctx context.Context, m bot.Message) (bot.Response, error)
}

// Platform is one messaging platform's outbound side.
type Platform interface {
	// Send renders replies for the platform and delivers them to chat in order,
	// retrying transient failures and waiting out rate limits within its
	// policy. It stops at the first failure. An error wrapping ErrBlocked says
	// the citizen blocked or left the chat; one wrapping ErrWindowClosed says
	// the platform refuses messages until the citizen writes again.
	Send(ctx context.Context, chat string, replies []bot.Reply) error
}

// Preparer is implemented by Platforms whose events need work of their own in
// the event's worker, before the engine sees them (Telegram answers a pressed
// button's query, looks up long button actions and decides whether a group
// message is meant for the bot). Prepare returns the context to handle the
// event in (it may carry the platform's id for the logs), the event as the
// engine should see it, and false when nothing more is to be done (the event
// then counts as handled).
type Preparer interface {
	Prepare(ctx context.Context, ev Event) (context.Context, Event, bool)
}

var (
	// ErrBlocked is wrapped by send errors of chats that blocked the bot or left.
	ErrBlocked = errors.New("channel: the citizen blocked the bot or left the chat")
	// ErrWindowClosed is wrapped by send errors outside the platform's reply window.
	ErrWindowClosed = errors.New("channel: outside the reply window")
	// ErrBusy: the chat's queue is full; the platform should deliver the event again.
	ErrBusy = errors.New("channel: event queue full")
	// ErrClosed: the adapter is shutting down and takes no more events.
	ErrClosed = errors.New("channel: shutting down")
)

// ChatState is what the store knows of one chat.
type ChatState struct {
	LastIn   time.Time // the citizen's last message (zero: never seen)
	Inactive bool      // blocked or left
}

// Store is the channels' state in the database; store.ChannelState implements
// it. Every method is keyed by channel name, so channels never share ids.
type Store interface {
	// Accept stores event id of chat with its payload as unfinished, before the
	// webhook acknowledges it, and reports whether this call stored it; when it
	// was stored before (a redelivery) the caller must not handle it again (it
	// is queued in some process or taken up by Unfinished). Of concurrent calls
	// for one id exactly one gets stored = true.
	Accept(ctx context.Context, channel, id, chat string, raw []byte, now time.Time) (stored bool, err error)
	// Done records that event id was handled (answered, or given up on).
	Done(ctx context.Context, channel, id string, now time.Time) error
	// Unfinished returns the payloads of events accepted before the given time
	// and not Done, in the order they were accepted. It scans: call it at start.
	Unfinished(ctx context.Context, channel string, before time.Time) ([][]byte, error)
	// Touch records that chat wrote at at (its reply window opens again and an
	// inactive mark is cleared) and returns what was known of the chat before
	// (the zero ChatState when nothing), in one round trip.
	Touch(ctx context.Context, channel, chat string, at time.Time) (ChatState, error)
	// Chat returns what is known of chat (the zero ChatState when nothing).
	Chat(ctx context.Context, channel, chat string) (ChatState, error)
	// MarkInactive records that chat blocked the bot or left.
	MarkInactive(ctx context.Context, channel, chat string) error
}

// Inbox holds the notifications queued for a chat; *dossier.Dispatcher
// implements it. The adapter peeks, sends, then acknowledges each one, so a
// failed send leaves it queued (the dispatcher tries again).
type Inbox interface {
	PeekInbox(ctx context.Context, channel, chatID string) ([]bot.InboxItem, error)
	AckInbox(ctx context.Context, ids []string) error
}

// Tokens are a platform's OAuth tokens as kept in the store.
type Tokens struct {
	Access    string
	Refresh   string
	ExpiresAt time.Time // of the access token
	SavedAt   time.Time
	Version   int64 // incremented by every save; compare-and-set key
}

// TokenStore keeps a channel's tokens; store.ChannelState implements it.
type TokenStore interface {
	// Tokens returns the saved tokens, or an error wrapping bot.ErrNotFound.
	Tokens(ctx context.Context, channel string) (Tokens, error)
	// SaveTokens stores t as version prev+1 when the saved version is still prev
	// (prev 0: nothing saved yet), in one write; otherwise it returns an error
	// wrapping bot.ErrConflict and changes nothing.
	SaveTokens(ctx context.Context, channel string, prev int64, t Tokens) (Tokens, error)
}
