// Package messenger is dvcbot's Facebook Messenger channel: the webhook's
// verification challenge, POSTs verified by X-Hub-Signature-256 and decoded
// into channel.Events (messages, quick replies, postbacks), and a Send API
// client rendering answers with quick replies and templates. Queueing,
// de-duplication by mid, ordering, shutdown, the 24-hour window and
// notifications are the shared channel.Adapter's.
//
// It imports bot, channel and gin.
package messenger

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/dvcbot/dvcbot/channel"
)

// Channel is the channel name in sessions, statistics and the outbox.
const Channel = "messenger"

// DefaultAPIEndpoint is the Graph API base.
const DefaultAPIEndpoint = "https://graph.facebook.com/v21.0"

// WebhookPath serves the verification challenge (GET) and events (POST).
const WebhookPath = "/webhook/messenger"

// SignatureHeader carries "sha256=" + hex(HMAC-SHA256(app secret, raw body)).
const SignatureHeader = "X-Hub-Signature-256"

// Window is Messenger's standard messaging window after the person's last message.
const Window = 24 * time.Hour

// Config is what a Service needs. PageToken, AppSecret, VerifyToken, Engine
// and Store are required.
type Config struct {
	PageToken   string // MESSENGER_PAGE_TOKEN
	AppSecret   string // MESSENGER_APP_SECRET
	VerifyToken string // MESSENGER_VERIFY_TOKEN
	APIEndpoint string // MESSENGER_API_ENDPOINT; empty: DefaultAPIEndpoint
	HTTPClient  *http.Client
	Retry       channel.RetryPolicy

	Engine channel.Engine
	Store  channel.Store
	Inbox  channel.Inbox
	Log    *slog.Logger

	// RecoverAfter: at Start, take up unfinished events accepted at least this
	// long ago (see channel.Config.RecoverAfter); zero takes up all.
	RecoverAfter time.Duration
	Window       time.Duration // default Window
	Workers      int
	QueueSize    int
	Now          func() time.Time
}

// Service is the running Messenger channel.
type Service struct {
	*channel.Adapter
	cfg    Config
	log    *slog.Logger
	client *Client
}

// New checks cfg and starts the workers; it makes no network call.
func New(cfg Config) (*Service, error) {
	if cfg.PageToken == "" || cfg.AppSecret == "" || cfg.VerifyToken == "" {
		return nil, errors.New("messenger: PageToken, AppSecret and VerifyToken are required")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Window <= 0 {
		cfg.Window = Window
	}
	log := cfg.Log.With("channel", Channel)
	client := NewClient(cfg.PageToken, cfg.APIEndpoint, cfg.HTTPClient, cfg.Retry)
	a, err := channel.New(channel.Config{
		Channel: Channel, Engine: cfg.Engine, Platform: client, Store: cfg.Store, Inbox: cfg.Inbox,
		Window: cfg.Window, Log: cfg.Log, Workers: cfg.Workers, QueueSize: cfg.QueueSize, Now: cfg.Now,
		RecoverAfter: cfg.RecoverAfter,
		Greeting:     "-",
	})
	if err != nil {
		return nil, err
	}
	return &Service{Adapter: a, cfg: cfg, log: log, client: client}, nil
}

// Routes mounts GET and POST WebhookPath.
func (s *Service) Routes() func(*gin.Engine) {
	return func(r *gin.Engine) {
		r.GET(WebhookPath, s.Verify)
		r.POST(WebhookPath, s.Webhook)
	}
}
