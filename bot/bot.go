// Package bot is dvcbot's core: the channel-neutral dialogue engine and the types
// every channel and adapter shares. A channel turns its updates into a Message,
// calls Engine.Handle and renders the Response's replies; the engine finds
// procedures through a Searcher and keeps conversation state in a SessionStore.
//
// bot imports no web framework, messaging SDK or database driver: it declares the
// small interfaces it needs (Searcher, ProcedureSource, SessionStore,
// UnansweredStore, FeedbackStore, DossierService) beside their use, and adapters in
// store/, knowledge/search and the channel packages implement them.
package bot

import "time"

// Channel names.
const (
	ChannelWeb      = "web"
	ChannelTelegram = "telegram"
)

// Message is one thing a citizen sent: text, or the action of a button pressed.
type Message struct {
	Channel string    // ChannelWeb, ChannelTelegram, ...
	ChatID  string    // the conversation within the channel
	Text    string    // what was typed (may be empty when Action is set)
	Action  string    // button data (may be empty when Text is set)
	At      time.Time // when it was sent; zero means now
	// ClientIP is the sender's network address when the channel knows it (the
	// web chat); dossier lookups count failures per address too. Optional.
	ClientIP string
}

// Button is a choice offered under a reply: it either sends Action back or opens
// URL.
type Button struct {
	Label  string `json:"label"`
	Action string `json:"action,omitempty"`
	URL    string `json:"url,omitempty"`
}

// Reply is one message to show. Text uses a small markup every channel renders:
// "**bold**" spans, lines starting with "• " or "1. " as lists, and bare
// http(s) links. Nothing else is interpreted; channels escape the rest.
type Reply struct {
	Text    string   `json:"text"`
	Buttons []Button `json:"buttons"`
}

// Intents.
const (
	IntentProcedure = "procedure"
	IntentDossier   = "dossier"
	IntentGreeting  = "greeting"
	IntentHelp      = "help"
	IntentFallback  = "fallback"
	IntentFeedback  = "feedback"
)

// Sections of a procedure answer.
const (
	SectionOverview   = "overview"
	SectionDocuments  = "documents"
	SectionSteps      = "steps"
	SectionFees       = "fees"
	SectionTime       = "time"
	SectionAgency     = "agency"
	SectionOnline     = "online"
	SectionConditions = "conditions"
	SectionLegal      = "legal"
)

// Response is the engine's answer to one Message.
type Response struct {
	Replies     []Reply  `json:"replies"`
	Intent      string   `json:"intent"`
	ProcedureID string   `json:"procedure_id"` // empty when the bot does not claim an answer
	Section     string   `json:"section,omitempty"`
	Candidates  []string `json:"candidates"`
	// Source says where an answer about a procedure comes from (nil otherwise).
	Source *Source `json:"source,omitempty"`
	// Language is the language of the replies ("vi", or "en" for a question
	// asked in English).
	Language string `json:"language,omitempty"`
	// Messages are the notifications handed over by an "inbox" action, with
	// their author: officers' replies ("staff") and the bot's own news ("bot").
	Messages []InboxMessage `json:"messages,omitempty"`
}

// InboxMessage is one notification picked up by a pull channel.
type InboxMessage struct {
	From   string    `json:"from"` // "staff" or "bot"
	Author string    `json:"author,omitempty"`
	Text   string    `json:"text"`
	At     time.Time `json:"at"`
}

// Source is the provenance of an answer: which guide or official record, when
// it was last changed and reviewed, and the official page.
type Source struct {
	ProcedureID  string    `json:"procedure_id"`
	Kind         string    `json:"kind"`
	NationalCode string    `json:"national_code,omitempty"`
	UpdatedAt    time.Time `json:"updated_at"`
	ReviewedAt   string    `json:"reviewed_at,omitempty"`
	URL          string    `json:"url"`
}
