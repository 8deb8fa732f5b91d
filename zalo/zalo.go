// Package zalo is dvcbot's Zalo Official Account channel (OA API v3): a webhook
// that verifies X-ZEvent-Signature and decodes OA events into channel.Events,
// a sender of customer-service messages (text and list templates with buttons)
// and the OA's OAuth token lifecycle. Queueing, de-duplication, ordering,
// shutdown and notifications are the shared channel.Adapter's.
//
// It imports bot, channel and gin; tokens are kept through channel.TokenStore.
package zalo

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/dvcbot/dvcbot/channel"
)

// Channel is the channel name in sessions, statistics and the outbox.
const Channel = "zalo"

// Default endpoints.
const (
	DefaultAPIEndpoint   = "https://openapi.zalo.me"
	DefaultOAuthEndpoint = "https://oauth.zaloapp.com"
)

// WebhookPath is where Zalo posts OA events.
const WebhookPath = "/webhook/zalo"

// SignatureHeader carries "mac=" + hex(SHA-256(app_id + body + timestamp + OA secret key)).
const SignatureHeader = "X-ZEvent-Signature"

// Window is how long after a citizen's last message the OA may send
// customer-service messages without a paid quota (Zalo counts 48 hours for
// replies); notifications later than that wait for the citizen's next message.
const Window = 48 * time.Hour

// Config is what a Service needs. AppID, SecretKey, Engine, Store and Tokens
// are required; AccessToken and RefreshToken seed an empty token store.
type Config struct {
	AppID     string // ZALO_APP_ID
	SecretKey string // ZALO_OA_SECRET_KEY: signs webhooks
	// AppSecret (ZALO_APP_SECRET) is the app's secret key, sent as secret_key
	// with token refreshes; it may differ from the OA secret key that signs
	// webhooks. Empty uses SecretKey.
	AppSecret     string
	AccessToken   string // ZALO_ACCESS_TOKEN
	RefreshToken  string // ZALO_REFRESH_TOKEN
	APIEndpoint   string // ZALO_API_ENDPOINT; empty: DefaultAPIEndpoint
	OAuthEndpoint string // ZALO_OAUTH_ENDPOINT; empty: DefaultOAuthEndpoint
	HTTPClient    *http.Client
	Retry         channel.RetryPolicy

	Engine channel.Engine
	Store  channel.Store
	Tokens channel.TokenStore
	Inbox  channel.Inbox // held notifications, delivered when a chat writes
	Log    *slog.Logger

	// RecoverAfter: at Start, take up unfinished events accepted at least this
	// long ago (see channel.Config.RecoverAfter); zero takes up all.
	RecoverAfter time.Duration
	MaxAge       time.Duration // events older (or newer) than this by their timestamp are refused; default 10 min
	Window       time.Duration // default Window
	Workers      int
	QueueSize    int
	Now          func() time.Time
}

// Service is the running Zalo channel.
type Service struct {
	*channel.Adapter
	cfg    Config
	log    *slog.Logger
	client *Client
}

// New checks cfg and starts the workers; it makes no network call.
func New(cfg Config) (*Service, error) {
	switch {
	case cfg.AppID == "" || cfg.SecretKey == "":
		return nil, errors.New("zalo: AppID and SecretKey are required")
	case cfg.Tokens == nil:
		return nil, errors.New("zalo: Tokens is required")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = 10 * time.Minute
	}
	if cfg.Window <= 0 {
		cfg.Window = Window
	}
	log := cfg.Log.With("channel", Channel)
	client := NewClient(ClientConfig{
		AppID: cfg.AppID, SecretKey: cfg.SecretKey, AppSecret: cfg.AppSecret, APIEndpoint: cfg.APIEndpoint, OAuthEndpoint: cfg.OAuthEndpoint,
		HTTPClient: cfg.HTTPClient, Retry: cfg.Retry, Tokens: cfg.Tokens, Log: log, Now: cfg.Now,
		SeedAccess: cfg.AccessToken, SeedRefresh: cfg.RefreshToken,
	})
	a, err := channel.New(channel.Config{
		Channel: Channel, Engine: cfg.Engine, Platform: client, Store: cfg.Store, Inbox: cfg.Inbox,
		Window: cfg.Window, Log: cfg.Log, Workers: cfg.Workers, QueueSize: cfg.QueueSize, Now: cfg.Now,
		RecoverAfter: cfg.RecoverAfter,
	})
	if err != nil {
		return nil, err
	}
	return &Service{Adapter: a, cfg: cfg, log: log, client: client}, nil
}

// Client is the service's OA API client.
func (s *Service) Client() *Client { return s.client }

// Start loads the tokens (seeding the store from the configuration when it has
// none), keeps them fresh in the background and takes over parked events.
func (s *Service) Start() {
	s.Adapter.Start()
	s.client.tokens.start()
}

// Close stops the token refresher and the adapter.
func (s *Service) Close(ctx context.Context) error {
	s.client.tokens.stop()
	return s.Adapter.Close(ctx)
}

// Health is nil while the tokens are usable, else what went wrong (a failed
// refresh), for /readyz detail.
func (s *Service) Health() error { return s.client.tokens.health() }

// Routes mounts POST WebhookPath.
func (s *Service) Routes() func(*gin.Engine) {
	return func(r *gin.Engine) { r.POST(WebhookPath, s.Webhook) }
}
