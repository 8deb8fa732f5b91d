package config

import (
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		wantErr string // substring; empty means valid
		check   func(t *testing.T, c Config)
	}{
		{name: "nothing set gives the contract defaults", env: nil, check: func(t *testing.T, c Config) {
			if c.Addr != ":8080" || c.DataDir != "./data" || c.MongoDatabase != "dvcbot" || c.MongoURI != "" || c.TelegramToken != "" {
				t.Fatalf("defaults: %+v", c)
			}
			if c.MaxBodyBytes != 1<<20 || c.ShutdownTimeout != 10*time.Second {
				t.Fatalf("limits: %+v", c)
			}
		}},
		{name: "every contract variable is read", env: map[string]string{
			"DVCBOT_ADDR": "127.0.0.1:9000", "DVCBOT_DATA_DIR": "/tmp/x", "MONGODB_URI": "mongodb://db:27017",
			"MONGODB_DATABASE": "prod", "TELEGRAM_BOT_TOKEN": "123:abc", "TELEGRAM_WEBHOOK_SECRET": "s3cret_-X",
			"TELEGRAM_API_ENDPOINT": "http://127.0.0.1:1/bot%s/%s", "DVCBOT_ADMIN_TOKEN": "0123456789abcdef0123",
		}, check: func(t *testing.T, c Config) {
			if c.Addr != "127.0.0.1:9000" || c.DataDir != "/tmp/x" || c.MongoURI != "mongodb://db:27017" || c.MongoDatabase != "prod" {
				t.Fatalf("%+v", c)
			}
			if c.TelegramToken != "123:abc" || c.TelegramWebhookSecret != "s3cret_-X" || c.TelegramEndpoint() != "http://127.0.0.1:1/bot%s/%s" || c.AdminToken != "0123456789abcdef0123" {
				t.Fatalf("%+v", c)
			}
		}},
		{name: "flags override the environment", env: map[string]string{"DVCBOT_ADDR": ":1"}, args: []string{"-addr", ":2"}, check: func(t *testing.T, c Config) {
			if c.Addr != ":2" {
				t.Fatalf("addr %q", c.Addr)
			}
		}},
		{name: "telegram token without secret", env: map[string]string{"TELEGRAM_BOT_TOKEN": "1:x"}, wantErr: "TELEGRAM_WEBHOOK_SECRET must be set"},
		{name: "secret with forbidden characters", env: map[string]string{"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_WEBHOOK_SECRET": "a b"}, wantErr: "TELEGRAM_WEBHOOK_SECRET must be"},
		{name: "bad endpoint format", env: map[string]string{"TELEGRAM_API_ENDPOINT": "http://x/bot"}, wantErr: "TELEGRAM_API_ENDPOINT"},
		{name: "bad mongo uri", env: map[string]string{"MONGODB_URI": "postgres://x"}, wantErr: "MONGODB_URI must start"},
		{name: "bad database name", env: map[string]string{"MONGODB_DATABASE": "a.b"}, wantErr: "MONGODB_DATABASE"},
		{name: "bad address", env: map[string]string{"DVCBOT_ADDR": "8080"}, wantErr: "DVCBOT_ADDR"},
		{name: "short admin token", env: map[string]string{"DVCBOT_ADMIN_TOKEN": "short"}, wantErr: "DVCBOT_ADMIN_TOKEN"},
		{name: "bad body limit", env: map[string]string{"DVCBOT_MAX_BODY_BYTES": "-3"}, wantErr: "DVCBOT_MAX_BODY_BYTES"},
		{name: "bad dossier pattern", env: map[string]string{"DVCBOT_DOSSIER_PATTERN": "([a-z"}, wantErr: "DVCBOT_DOSSIER_PATTERN"},
		{name: "bad log level", env: map[string]string{"DVCBOT_LOG_LEVEL": "loud"}, wantErr: "DVCBOT_LOG_LEVEL"},
		{name: "bad store sync", env: map[string]string{"DVCBOT_STORE_SYNC": "sometimes"}, wantErr: "DVCBOT_STORE_SYNC must be normal or full"},
		{name: "full store sync", env: map[string]string{"DVCBOT_STORE_SYNC": "FULL"}, check: func(t *testing.T, c Config) {
			if !c.StoreFullSync {
				t.Error("DVCBOT_STORE_SYNC=FULL not read")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := FromEnv(env(tt.env), tt.args)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to mention %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			tt.check(t, c)
		})
	}
}
