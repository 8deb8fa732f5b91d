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
	"strings"
	"time"
)

// Config is every setting of the service. It is parsed once in cmd/ and passed to
// constructors; nothing reads the environment afterwards.
type Config struct {
	Addr    string // DVCBOT_ADDR
	DataDir string // DVCBOT_DATA_DIR

	MongoURI      string // MONGODB_URI; empty means the embedded store
	MongoDatabase string // MONGODB_DATABASE

	TelegramToken         string // TELEGRAM_BOT_TOKEN
	TelegramWebhookSecret string // TELEGRAM_WEBHOOK_SECRET
	TelegramAPIEndpoint   string // TELEGRAM_API_ENDPOINT (format with %s for token and method)

	AdminToken string // DVCBOT_ADMIN_TOKEN

	TelegramPolling bool // DVCBOT_TELEGRAM_POLLING: long-poll getUpdates instead of the webhook (local trials)

	DossierPattern string // DVCBOT_DOSSIER_PATTERN: regular expression of dossier codes in chat (default: the contract's shape)

	LogLevel        string        // DVCBOT_LOG_LEVEL: debug, info, warn, error
	MaxBodyBytes    int64         // DVCBOT_MAX_BODY_BYTES
	ShutdownTimeout time.Duration // DVCBOT_SHUTDOWN_TIMEOUT
	SeedImport      bool          // DVCBOT_SEED_IMPORT: import the bundled knowledge base at start
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
	str("DVCBOT_ADMIN_TOKEN", &c.AdminToken)
	str("DVCBOT_LOG_LEVEL", &c.LogLevel)
	str("DVCBOT_DOSSIER_PATTERN", &c.DossierPattern)

	var errs []error
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
	if c.AdminToken != "" && len(c.AdminToken) < 16 {
		errs = append(errs, errors.New("DVCBOT_ADMIN_TOKEN must be at least 16 characters"))
	}
	if c.DossierPattern != "" {
		if _, err := regexp.Compile(c.DossierPattern); err != nil {
			errs = append(errs, fmt.Errorf("DVCBOT_DOSSIER_PATTERN is not a valid regular expression: %v", err))
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
