package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/dvcbot/dvcbot/telegram"
)

// telegramUsage is the one-line usage of cmdTelegram for the command table.
const telegramUsage = "telegram set-webhook --url URL | info | delete-webhook   Telegram webhook set-up"

// cmdTelegram manages the bot's webhook with the Bot API, reading
// TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET and TELEGRAM_API_ENDPOINT:
//
//	set-webhook --url URL [--max-connections 40] [--drop-pending]
//	    registers URL with the secret token, the update types the bot handles and
//	    max_connections; pending updates are kept unless --drop-pending.
//	info            prints getWebhookInfo.
//	delete-webhook [--drop-pending]
//	    removes the webhook (needed before long polling).
//
// The token and the secret are never printed.
func cmdTelegram(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) == 0 {
		return usagef("telegram needs a subcommand: set-webhook, info or delete-webhook")
	}
	sub, args := args[0], args[1:]
	switch sub {
	case "set-webhook", "info", "delete-webhook":
	default:
		return usagef("unknown telegram subcommand %q (set-webhook, info, delete-webhook)", sub)
	}
	fs := flag.NewFlagSet("telegram "+sub, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	hookURL := fs.String("url", "", "public HTTPS address of POST "+telegram.WebhookPath)
	maxConn := fs.Int("max-connections", 40, "simultaneous connections Telegram may open (1-100)")
	drop := fs.Bool("drop-pending", false, "discard updates Telegram holds for the bot")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}

	token := strings.TrimSpace(env.getenv("TELEGRAM_BOT_TOKEN"))
	if token == "" {
		return errors.New("TELEGRAM_BOT_TOKEN is not set")
	}
	endpoint := strings.TrimSpace(env.getenv("TELEGRAM_API_ENDPOINT"))
	if endpoint != "" && strings.Count(endpoint, "%s") != 2 {
		return errors.New("TELEGRAM_API_ENDPOINT must be a format with two %s (token, method) like https://api.telegram.org/bot%s/%s")
	}
	client := telegram.NewClient(token, endpoint, nil, telegram.RetryPolicy{MaxAttempts: 3})
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()

	switch sub {
	case "set-webhook":
		return telegramSetWebhook(ctx, env, client, *hookURL, *maxConn, *drop)
	case "info":
		raw, err := client.Call(ctx, "getWebhookInfo", nil)
		if err != nil {
			return err
		}
		var out bytes.Buffer
		if err := json.Indent(&out, raw, "", "  "); err != nil {
			return fmt.Errorf("getWebhookInfo answer: %w", err)
		}
		fmt.Fprintln(env.stdout, out.String())
		return nil
	case "delete-webhook":
		if _, err := client.Call(ctx, "deleteWebhook", tgbotapi.Params{"drop_pending_updates": strconv.FormatBool(*drop)}); err != nil {
			return err
		}
		fmt.Fprintln(env.stdout, "webhook deleted")
		return nil
	}
	return nil
}

func telegramSetWebhook(ctx context.Context, env *cliEnv, client *telegram.Client, hookURL string, maxConn int, drop bool) error {
	if hookURL == "" {
		return usagef("set-webhook needs --url https://your.host%s", telegram.WebhookPath)
	}
	u, err := url.Parse(hookURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return usagef("--url must be an absolute https:// URL, got %q", hookURL)
	}
	if u.Scheme != "https" {
		fmt.Fprintln(env.stderr, "warning: Telegram only delivers to https:// webhooks")
	}
	if !strings.HasSuffix(u.Path, telegram.WebhookPath) {
		fmt.Fprintf(env.stderr, "warning: dvcbot receives updates on %s; %s has another path\n", telegram.WebhookPath, hookURL)
	}
	if maxConn < 1 || maxConn > 100 {
		return usagef("--max-connections must be between 1 and 100")
	}
	secret := strings.TrimSpace(env.getenv("TELEGRAM_WEBHOOK_SECRET"))
	if secret == "" {
		return errors.New("TELEGRAM_WEBHOOK_SECRET is not set: the service refuses updates without it")
	}
	allowed, _ := json.Marshal(telegram.AllowedUpdates())
	// tgbotapi v5.5.1's WebhookConfig has no secret_token: call the method directly.
	_, err = client.Call(ctx, "setWebhook", tgbotapi.Params{
		"url":                  hookURL,
		"secret_token":         secret,
		"allowed_updates":      string(allowed),
		"max_connections":      strconv.Itoa(maxConn),
		"drop_pending_updates": strconv.FormatBool(drop),
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "webhook set: %s (updates %s, max_connections %d, secret token sent)\n", hookURL, allowed, maxConn)
	return nil
}
