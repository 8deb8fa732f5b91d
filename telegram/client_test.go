package telegram_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/dvcbot/dvcbot/telegram"
)

func TestClientRetryPolicy(t *testing.T) {
	api := newFakeAPI(t)
	c := telegram.NewClient(testToken, api.endpoint(), nil, telegram.RetryPolicy{Base: time.Millisecond, MaxDelay: 5 * time.Millisecond, MaxRetryAfter: 10 * time.Second})
	ctx := context.Background()
	msg := tgbotapi.NewMessage(privateChat, "x")

	api.setHook(func(string, url.Values) (int, string, bool) {
		return 429, `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 120","parameters":{"retry_after":120}}`, true
	})
	_, err := c.Request(ctx, "sendMessage", msg)
	var ae *telegram.APIError
	if !errors.As(err, &ae) || ae.Code != 429 || ae.RetryAfter != 120*time.Second || len(api.callsOf("")) != 1 {
		t.Fatalf("a flood wait beyond MaxRetryAfter must not be retried: %v after %d calls", err, len(api.callsOf("")))
	}

	api.setHook(func(string, url.Values) (int, string, bool) {
		return 429, `{"ok":false,"error_code":429,"description":"Too Many Requests"}`, true
	})
	if _, err := c.Request(ctx, "sendMessage", msg); err == nil || len(api.callsOf("")) != 1+4 {
		t.Fatalf("429 without retry_after: %v after %d calls, want 4 attempts", err, len(api.callsOf(""))-1)
	}

	api.setHook(func(string, url.Values) (int, string, bool) {
		return 403, `{"ok":false,"error_code":403,"description":"Forbidden: bot was kicked from the group chat"}`, true
	})
	if _, err := c.Request(ctx, "sendMessage", msg); !errors.Is(err, telegram.ErrBlocked) || len(api.callsOf("")) != 6 {
		t.Fatalf("403: %v", err)
	}

	api.setHook(func(string, url.Values) (int, string, bool) {
		return 400, `{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}`, true
	})
	if _, err := c.Request(ctx, "sendMessage", msg); err == nil || errors.Is(err, telegram.ErrBlocked) || len(api.callsOf("")) != 7 {
		t.Fatalf("400 must fail at once: %v", err)
	}

	// Network errors never show the token.
	down := telegram.NewClient(testToken, "http://127.0.0.1:1/bot%s/%s", nil, telegram.RetryPolicy{MaxAttempts: 2, Base: time.Millisecond})
	_, err = down.Call(ctx, "getMe", nil)
	if err == nil || strings.Contains(err.Error(), "TEST-token") {
		t.Fatalf("unreachable API: %v", err)
	}
	if _, err := down.Me(ctx); err == nil {
		t.Fatal("Me must fail while unreachable")
	}
	if down.BotID() != botID {
		t.Fatalf("BotID from the token = %d", down.BotID())
	}
}
