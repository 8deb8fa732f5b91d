// Package config holds the one configuration struct of dvcbot, read from the
// environment (names fixed by the external contract) and optionally overridden by
// flags. It imports nothing of the project.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Config is every setting of the service. It is parsed once in cmd/ and passed to
// constructors; nothing reads the environment afterwards.
type Config struct {
	Addr    string // DVCBOT_ADDR
	DataDir string // DVCBOT_DATA_DIR

	// StoreFullSync: DVCBOT_STORE_SYNC=full makes the embedded store wait for
	// the disk on every commit (see store.Options.FullSync); "normal" (default)
	// survives a killed process but not a power cut.
	StoreFullSync bool

	MongoURI      string // MONGODB_URI; empty means the embedded store
	MongoDatabase string // MONGODB_DATABASE

	TelegramToken         string // TELEGRAM_BOT_TOKEN
	TelegramWebhookSecret string // TELEGRAM_WEBHOOK_SECRET
	TelegramAPIEndpoint   string // TELEGRAM_API_ENDPOINT (format with %s for token and method)

	ZaloAppID         string // ZALO_APP_ID; with ZALO_OA_SECRET_KEY enables Zalo OA
	ZaloOASecretKey   string // ZALO_OA_SECRET_KEY: signs webhooks (and token refreshes when ZALO_APP_SECRET is unset)
	ZaloAppSecret     string // ZALO_APP_SECRET: the app's secret key, sent as secret_key with token refreshes; empty: ZALO_OA_SECRET_KEY
	ZaloAccessToken   string // ZALO_ACCESS_TOKEN: first access token (later ones are kept in the store)
	ZaloRefreshToken  string // ZALO_REFRESH_TOKEN: first refresh token
	ZaloAPIEndpoint   string // ZALO_API_ENDPOINT: OA API base; empty: Zalo's own
	ZaloOAuthEndpoint string // ZALO_OAUTH_ENDPOINT: OAuth base; empty: Zalo's own

	MessengerPageToken   string // MESSENGER_PAGE_TOKEN; with the two below enables Messenger
	MessengerAppSecret   string // MESSENGER_APP_SECRET: verifies X-Hub-Signature-256
	MessengerVerifyToken string // MESSENGER_VERIFY_TOKEN: answers the webhook challenge
	MessengerAPIEndpoint string // MESSENGER_API_ENDPOINT: Graph API base; empty: Meta's own

	WidgetOrigins []string // DVCBOT_WIDGET_ORIGINS: host origins allowed to embed the widget

	AdminToken string // DVCBOT_ADMIN_TOKEN

	OfficeHours      string        // DVCBOT_OFFICE_HOURS: when officers answer handed-over chats (Vietnam time); empty: Mon-Fri 07:30-11:30,13:30-17:00
	Holidays         string        // DVCBOT_HOLIDAYS: public holidays without officers, dates 2026-01-01 separated by commas
	HandoffRetention time.Duration // DVCBOT_HANDOFF_RETENTION: how long closed handoff transcripts are kept (e.g. 180d, 4320h)

	TelegramPolling bool // DVCBOT_TELEGRAM_POLLING: long-poll getUpdates instead of the webhook (local trials)

	DossierPattern string // DVCBOT_DOSSIER_PATTERN: regular expression of dossier codes in chat (default: the contract's shape)
	DossierSource  string // DVCBOT_DOSSIER_SOURCE: YAML file describing the province's dossier system; empty: the store only

	// Getenv is the environment the configuration was read from; files it
	// names resolve ${VAR} references with it (the dossier source's API key).
	Getenv func(string) string `json:"-"`

	LogLevel        string        // DVCBOT_LOG_LEVEL: debug, info, warn, error
	MaxBodyBytes    int64         // DVCBOT_MAX_BODY_BYTES
	ShutdownTimeout time.Duration // DVCBOT_SHUTDOWN_TIMEOUT
	SeedImport      bool          // DVCBOT_SEED_IMPORT: import the bundled knowledge base at start

	LogFormat           string   // DVCBOT_LOG_FORMAT: text or json
	OpsAddr             string   // DVCBOT_OPS_ADDR: second listener for /metrics and pprof; empty: /metrics on Addr, no pprof
	TraceEndpoint       string   // OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, or OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces: OTLP/HTTP tracing; empty: off
	ChatLimitPerIP      int      // DVCBOT_CHAT_LIMIT_PER_IP: /api/chat turns per minute per client address; 0 disables
	ChatLimitPerSession int      // DVCBOT_CHAT_LIMIT_PER_SESSION: turns per minute per web session; 0 disables
	ChannelLimitPerChat int      // DVCBOT_CHANNEL_LIMIT_PER_CHAT: messages per minute per chat on messaging channels; 0 disables
	TrustedProxies      []string // DVCBOT_TRUSTED_PROXIES: CIDRs whose X-Forwarded-For is believed
}

// Default returns the settings used when nothing is set.
func Default() Config {
	return Config{
		Addr:            ":8080",
		DataDir:         "./data",
		MongoDatabase:   "dvcbot",
		LogLevel:        "info",
		MaxBodyBytes:    1 << 20,
		ShutdownTimeout: 10 * time.Second,
		SeedImport:      true,

		LogFormat:           "text",
		ChatLimitPerIP:      30,
		ChatLimitPerSession: 20,
		ChannelLimitPerChat: 20,
		TrustedProxies:      []string{"127.0.0.0/8", "::1/128"}, // a reverse proxy on the same host
	}
}

// TelegramDefaultEndpoint is Telegram's own Bot API endpoint format.
const TelegramDefaultEndpoint = "https://api.telegram.org/bot%s/%s"

// FromEnv reads the configuration from getenv (os.Getenv in production) on top of
// Default, then applies flags from args (may be nil), then validates. The error
// names the variable to set or fix.
func FromEnv(getenv func(string) string, args []string) (Config, error) {
	c := Default()
	str := func(name string, dst *string) {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			*dst = v
		}
	}
	str("DVCBOT_ADDR", &c.Addr)
	str("DVCBOT_DATA_DIR", &c.DataDir)
	str("MONGODB_URI", &c.MongoURI)
	str("MONGODB_DATABASE", &c.MongoDatabase)
	str("TELEGRAM_BOT_TOKEN", &c.TelegramToken)
	str("TELEGRAM_WEBHOOK_SECRET", &c.TelegramWebhookSecret)
	str("TELEGRAM_API_ENDPOINT", &c.TelegramAPIEndpoint)
	str("ZALO_APP_ID", &c.ZaloAppID)
	str("ZALO_OA_SECRET_KEY", &c.ZaloOASecretKey)
	str("ZALO_APP_SECRET", &c.ZaloAppSecret)
	str("ZALO_ACCESS_TOKEN", &c.ZaloAccessToken)
	str("ZALO_REFRESH_TOKEN", &c.ZaloRefreshToken)
	str("ZALO_API_ENDPOINT", &c.ZaloAPIEndpoint)
	str("ZALO_OAUTH_ENDPOINT", &c.ZaloOAuthEndpoint)
	str("MESSENGER_PAGE_TOKEN", &c.MessengerPageToken)
	str("MESSENGER_APP_SECRET", &c.MessengerAppSecret)
	str("MESSENGER_VERIFY_TOKEN", &c.MessengerVerifyToken)
	str("MESSENGER_API_ENDPOINT", &c.MessengerAPIEndpoint)
	for _, o := range strings.Split(getenv("DVCBOT_WIDGET_ORIGINS"), ",") {
		if o = strings.TrimRight(strings.TrimSpace(o), "/"); o != "" {
			c.WidgetOrigins = append(c.WidgetOrigins, o)
		}
	}
	str("DVCBOT_ADMIN_TOKEN", &c.AdminToken)
	str("DVCBOT_OFFICE_HOURS", &c.OfficeHours)
	str("DVCBOT_HOLIDAYS", &c.Holidays)
	str("DVCBOT_LOG_LEVEL", &c.LogLevel)
	str("DVCBOT_DOSSIER_PATTERN", &c.DossierPattern)
	str("DVCBOT_DOSSIER_SOURCE", &c.DossierSource)
	c.Getenv = getenv
	str("DVCBOT_LOG_FORMAT", &c.LogFormat)
	str("DVCBOT_OPS_ADDR", &c.OpsAddr)
	c.TraceEndpoint = traceEndpoint(getenv)

	var errs []error
	switch v := strings.ToLower(strings.TrimSpace(getenv("DVCBOT_STORE_SYNC"))); v {
	case "", "normal":
	case "full":
		c.StoreFullSync = true
	default:
		errs = append(errs, fmt.Errorf("DVCBOT_STORE_SYNC must be normal or full, got %q", v))
	}
	if v := strings.TrimSpace(getenv("DVCBOT_HANDOFF_RETENTION")); v != "" {
		d, err := parseDays(v)
		if err != nil || d < time.Hour {
			errs = append(errs, fmt.Errorf("DVCBOT_HANDOFF_RETENTION must be a duration such as 180d or 720h, got %q", v))
		} else {
			c.HandoffRetention = d
		}
	}
	for _, l := range []struct {
		name string
		dst  *int
	}{{"DVCBOT_CHAT_LIMIT_PER_IP", &c.ChatLimitPerIP}, {"DVCBOT_CHAT_LIMIT_PER_SESSION", &c.ChatLimitPerSession}, {"DVCBOT_CHANNEL_LIMIT_PER_CHAT", &c.ChannelLimitPerChat}} {
		if v := strings.TrimSpace(getenv(l.name)); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				errs = append(errs, fmt.Errorf("%s must be a whole number of turns per minute (0 disables), got %q", l.name, v))
			} else {
				*l.dst = n
			}
		}
	}
	if v := strings.TrimSpace(getenv("DVCBOT_TRUSTED_PROXIES")); v != "" {
		c.TrustedProxies = nil
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				c.TrustedProxies = append(c.TrustedProxies, p)
			}
		}
	}
	if v := strings.TrimSpace(getenv("DVCBOT_MAX_BODY_BYTES")); v != "" {
		var n int64
		if _, err := fmt.Sscan(v, &n); err != nil || n <= 0 {
			errs = append(errs, fmt.Errorf("DVCBOT_MAX_BODY_BYTES must be a positive number of bytes, got %q", v))
		} else {
			c.MaxBodyBytes = n
		}
	}
	if v := strings.TrimSpace(getenv("DVCBOT_SHUTDOWN_TIMEOUT")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("DVCBOT_SHUTDOWN_TIMEOUT must be a duration such as 10s, got %q", v))
		} else {
			c.ShutdownTimeout = d
		}
	}
	for _, b := range []struct {
		name string
		dst  *bool
	}{{"DVCBOT_SEED_IMPORT", &c.SeedImport}, {"DVCBOT_TELEGRAM_POLLING", &c.TelegramPolling}} {
		v := strings.TrimSpace(getenv(b.name))
		switch strings.ToLower(v) {
		case "":
		case "1", "true", "yes", "on":
			*b.dst = true
		case "0", "false", "no", "off":
			*b.dst = false
		default:
			errs = append(errs, fmt.Errorf("%s must be true or false, got %q", b.name, v))
		}
	}
	if len(errs) > 0 {
		return c, errors.Join(errs...)
	}

	if args != nil {
		fs := flag.NewFlagSet("dvcbot", flag.ContinueOnError)
		fs.StringVar(&c.Addr, "addr", c.Addr, "listen address (DVCBOT_ADDR)")
		fs.StringVar(&c.DataDir, "data-dir", c.DataDir, "directory of the embedded store and index (DVCBOT_DATA_DIR)")
		fs.StringVar(&c.MongoURI, "mongodb-uri", c.MongoURI, "external MongoDB URI (MONGODB_URI); empty = embedded")
		fs.StringVar(&c.MongoDatabase, "mongodb-database", c.MongoDatabase, "database name (MONGODB_DATABASE)")
		fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "debug, info, warn or error (DVCBOT_LOG_LEVEL)")
		if err := fs.Parse(args); err != nil {
			return c, err
		}
	}
	return c, c.Validate()
}

// Validate reports every wrong or missing setting, one line each, naming the
// variable to set.
func (c Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("DVCBOT_ADDR must be host:port such as :8080, got %q", c.Addr))
	}
	if c.MongoURI == "" && strings.TrimSpace(c.DataDir) == "" {
		errs = append(errs, errors.New("DVCBOT_DATA_DIR must not be empty when MONGODB_URI is unset"))
	}
	if c.MongoURI != "" && !strings.HasPrefix(c.MongoURI, "mongodb://") && !strings.HasPrefix(c.MongoURI, "mongodb+srv://") {
		errs = append(errs, errors.New("MONGODB_URI must start with mongodb:// or mongodb+srv://"))
	}
	if !validDBName(c.MongoDatabase) {
		errs = append(errs, fmt.Errorf("MONGODB_DATABASE must be 1-63 letters, digits, '_' or '-', got %q", c.MongoDatabase))
	}
	if c.TelegramPolling && c.TelegramToken == "" {
		errs = append(errs, errors.New("DVCBOT_TELEGRAM_POLLING needs TELEGRAM_BOT_TOKEN"))
	}
	if c.TelegramToken != "" {
		if c.TelegramWebhookSecret == "" {
			errs = append(errs, errors.New("TELEGRAM_WEBHOOK_SECRET must be set when TELEGRAM_BOT_TOKEN is set"))
		} else if !validSecret(c.TelegramWebhookSecret) {
			errs = append(errs, errors.New("TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, '_' or '-' (Telegram's rule)"))
		}
	}
	if c.TelegramAPIEndpoint != "" {
		if strings.Count(c.TelegramAPIEndpoint, "%s") != 2 {
			errs = append(errs, fmt.Errorf("TELEGRAM_API_ENDPOINT must be a format with two %%s (token, method) like %s", TelegramDefaultEndpoint))
		} else if u, err := url.Parse(strings.ReplaceAll(c.TelegramAPIEndpoint, "%s", "x")); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			errs = append(errs, errors.New("TELEGRAM_API_ENDPOINT must be an http(s) URL format"))
		}
	}
	errs = append(errs, c.validateChannels()...)
	if c.AdminToken != "" && len(c.AdminToken) < 16 {
		errs = append(errs, errors.New("DVCBOT_ADMIN_TOKEN must be at least 16 characters"))
	}
	if c.DossierPattern != "" {
		if _, err := regexp.Compile(c.DossierPattern); err != nil {
			errs = append(errs, fmt.Errorf("DVCBOT_DOSSIER_PATTERN is not a valid regular expression: %v", err))
		}
	}
	if c.OpsAddr != "" {
		if _, _, err := net.SplitHostPort(c.OpsAddr); err != nil {
			errs = append(errs, fmt.Errorf("DVCBOT_OPS_ADDR must be host:port such as 127.0.0.1:9090, got %q", c.OpsAddr))
		} else if c.OpsAddr == c.Addr {
			errs = append(errs, errors.New("DVCBOT_OPS_ADDR must differ from DVCBOT_ADDR"))
		}
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		errs = append(errs, fmt.Errorf("DVCBOT_LOG_FORMAT must be text or json, got %q", c.LogFormat))
	}
	for _, p := range c.TrustedProxies {
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			errs = append(errs, fmt.Errorf("DVCBOT_TRUSTED_PROXIES must be comma-separated CIDRs or addresses such as 10.0.0.0/8, got %q", p))
		}
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("DVCBOT_LOG_LEVEL must be debug, info, warn or error, got %q", c.LogLevel))
	}
	return errors.Join(errs...)
}

// TelegramEndpoint is the Bot API endpoint format in force.
func (c Config) TelegramEndpoint() string {
	if c.TelegramAPIEndpoint != "" {
		return c.TelegramAPIEndpoint
	}
	return TelegramDefaultEndpoint
}

func validDBName(s string) bool { return len(s) <= 63 && validChars(s) }

func validSecret(s string) bool { return len(s) <= 256 && validChars(s) }

// validChars reports whether s is non-empty and only A-Z, a-z, 0-9, '_' and '-'.
func validChars(s string) bool {
	for _, r := range s {
		if !(r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return s != ""
}

// validateChannels checks the Zalo, Messenger and widget settings.
func (c Config) validateChannels() []error {
	var errs []error
	if (c.ZaloAppID == "") != (c.ZaloOASecretKey == "") {
		errs = append(errs, errors.New("ZALO_APP_ID and ZALO_OA_SECRET_KEY must be set together"))
	}
	if c.ZaloAppID == "" && (c.ZaloAccessToken != "" || c.ZaloRefreshToken != "") {
		errs = append(errs, errors.New("ZALO_ACCESS_TOKEN and ZALO_REFRESH_TOKEN need ZALO_APP_ID and ZALO_OA_SECRET_KEY"))
	}
	if c.ZaloAppSecret != "" && c.ZaloAppID == "" {
		errs = append(errs, errors.New("ZALO_APP_SECRET needs ZALO_APP_ID and ZALO_OA_SECRET_KEY"))
	}
	m := []string{c.MessengerPageToken, c.MessengerAppSecret, c.MessengerVerifyToken}
	if set := len(slicesNonEmpty(m)); set != 0 && set != 3 {
		errs = append(errs, errors.New("MESSENGER_PAGE_TOKEN, MESSENGER_APP_SECRET and MESSENGER_VERIFY_TOKEN must be set together"))
	}
	for _, e := range []struct{ name, v string }{
		{"ZALO_API_ENDPOINT", c.ZaloAPIEndpoint}, {"ZALO_OAUTH_ENDPOINT", c.ZaloOAuthEndpoint}, {"MESSENGER_API_ENDPOINT", c.MessengerAPIEndpoint},
	} {
		if e.v == "" {
			continue
		}
		if u, err := url.Parse(e.v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("%s must be an http(s) URL, got %q", e.name, e.v))
		}
	}
	for _, o := range c.WidgetOrigins {
		if u, err := url.Parse(o); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" || u.RawQuery != "" || strings.ContainsAny(o, " ;'\"") {
			errs = append(errs, fmt.Errorf("DVCBOT_WIDGET_ORIGINS must be comma-separated origins such as https://dichvucong.danang.gov.vn, got %q", o))
		}
	}
	return errs
}

func slicesNonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// ZaloEnabled reports whether the Zalo OA channel is configured.
func (c Config) ZaloEnabled() bool { return c.ZaloAppID != "" && c.ZaloOASecretKey != "" }

// MessengerEnabled reports whether the Messenger channel is configured.
func (c Config) MessengerEnabled() bool {
	return c.MessengerPageToken != "" && c.MessengerAppSecret != "" && c.MessengerVerifyToken != ""
}

// parseDays reads a duration, also in whole days ("180d").
func parseDays(v string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(v, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days <= 0 {
			return 0, fmt.Errorf("%q is not a number of days", v)
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	return time.ParseDuration(v)
}

// traceEndpoint is the OTLP/HTTP traces URL the environment asks for:
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as it is, or OTEL_EXPORTER_OTLP_ENDPOINT
// with /v1/traces (the OpenTelemetry convention); empty when tracing is off.
func traceEndpoint(getenv func(string) string) string {
	if u := strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")); u != "" {
		return u
	}
	if u := strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_ENDPOINT")); u != "" {
		return strings.TrimRight(u, "/") + "/v1/traces"
	}
	return ""
}
