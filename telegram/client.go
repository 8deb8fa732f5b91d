package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/dvcbot/dvcbot/channel"
)

// ErrBlocked is wrapped by errors from chats that blocked the bot or removed it
// (Telegram's 403). Such calls are never retried. It is channel.ErrBlocked.
var ErrBlocked = channel.ErrBlocked

// APIError is an error answer of the Bot API.
type APIError struct {
	Method      string
	Code        int           // Telegram's error_code (an HTTP status)
	Description string        // Telegram's description
	RetryAfter  time.Duration // set on 429: how long Telegram asks us to wait
}

func (e *APIError) Error() string {
	return fmt.Sprintf("telegram %s: %d %s", e.Method, e.Code, e.Description)
}

// Unwrap is the answer as channel.RetryPolicy and the adapter classify it: 429
// is retried after retry_after (or a backoff without one), 5xx after a
// backoff; 403 wraps ErrBlocked and 400 channel.ErrPermanent, never retried,
// like every other 4xx.
func (e *APIError) Unwrap() error {
	ce := &channel.APIError{Platform: "telegram", Status: e.Code, Code: e.Code, Message: e.Description}
	switch {
	case e.Code == http.StatusTooManyRequests:
		ce.Retry, ce.RetryAfter = true, e.RetryAfter
	case e.Code >= 500:
		ce.Retry = true
	case e.Code == http.StatusForbidden:
		ce.Kind = channel.ErrBlocked
	case e.Code == http.StatusBadRequest:
		ce.Kind = channel.ErrPermanent
	}
	return ce
}

// RetryPolicy bounds retries of Bot API calls: MaxAttempts (default 4), the
// backoff after 5xx and network errors (Base 500ms doubling to MaxDelay 5s,
// with jitter), and MaxRetryAfter (default 60s): a 429 asking to wait longer
// is not retried.
type RetryPolicy = channel.RetryPolicy

// Client calls the Bot API through telegram-bot-api v5 with a retry policy.
// Constructing it makes no network call (unlike tgbotapi.NewBotAPI, which calls
// getMe and fails when Telegram is unreachable): the bot's own user is fetched
// on first need and fetched again later if that failed. It is safe for concurrent
// use.
type Client struct {
	token    string
	endpoint string
	hc       *http.Client
	retry    RetryPolicy
	botID    int64

	mu     sync.Mutex
	me     *tgbotapi.User
	meNext time.Time // no getMe before this after a failure
}

// NewClient returns a client for token on endpoint (a format with two %s, token
// and method, as TELEGRAM_API_ENDPOINT; empty means Telegram's own). hc may be
// nil: a client with a 60 s timeout and a connection pool sized for the workers
// is used.
func NewClient(token, endpoint string, hc *http.Client, retry RetryPolicy) *Client {
	if endpoint == "" {
		endpoint = tgbotapi.APIEndpoint
	}
	if hc == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConns = 256
		tr.MaxIdleConnsPerHost = 128
		hc = &http.Client{Timeout: 60 * time.Second, Transport: tr}
	}
	id, _ := strconv.ParseInt(strings.SplitN(token, ":", 2)[0], 10, 64)
	return &Client{token: token, endpoint: endpoint, hc: hc, retry: retry, botID: id}
}

// BotID is the bot's user id, read from the token (0 when the token has no
// numeric prefix).
func (c *Client) BotID() int64 { return c.botID }

// Me returns the bot's own user (getMe), cached after the first success. After a
// failure it does not ask again for 30 s and returns the error.
func (c *Client) Me(ctx context.Context) (tgbotapi.User, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.me != nil {
		return *c.me, nil
	}
	if time.Now().Before(c.meNext) {
		return tgbotapi.User{}, errors.New("telegram getMe: failed recently, retrying later")
	}
	raw, err := c.do(ctx, "getMe", func(b *tgbotapi.BotAPI) (*tgbotapi.APIResponse, error) { return b.MakeRequest("getMe", nil) }, c.once())
	var u tgbotapi.User
	if err == nil {
		err = json.Unmarshal(raw, &u)
	}
	if err != nil {
		c.meNext = time.Now().Add(30 * time.Second)
		return tgbotapi.User{}, fmt.Errorf("telegram getMe: %w", err)
	}
	c.me = &u
	if c.botID == 0 {
		c.botID = u.ID
	}
	return u, nil
}

// Request sends a tgbotapi config (sendMessage, answerCallbackQuery, ...) with
// the retry policy and returns the raw result.
func (c *Client) Request(ctx context.Context, method string, ch tgbotapi.Chattable) (json.RawMessage, error) {
	return c.do(ctx, method, func(b *tgbotapi.BotAPI) (*tgbotapi.APIResponse, error) { return b.Request(ch) }, c.retry)
}

// Call calls a Bot API method with raw parameters (for what tgbotapi v5.5.1 does
// not model, such as setWebhook's secret_token) with the retry policy.
func (c *Client) Call(ctx context.Context, method string, params tgbotapi.Params) (json.RawMessage, error) {
	return c.do(ctx, method, func(b *tgbotapi.BotAPI) (*tgbotapi.APIResponse, error) { return b.MakeRequest(method, params) }, c.retry)
}

// CallOnce is Call without retries (long polling retries on its own terms).
func (c *Client) CallOnce(ctx context.Context, method string, params tgbotapi.Params) (json.RawMessage, error) {
	return c.do(ctx, method, func(b *tgbotapi.BotAPI) (*tgbotapi.APIResponse, error) { return b.MakeRequest(method, params) }, c.once())
}

// api returns a BotAPI whose HTTP requests carry ctx (tgbotapi itself has no
// context support). Building one is cheap and makes no call.
func (c *Client) api(ctx context.Context) *tgbotapi.BotAPI {
	b := &tgbotapi.BotAPI{Token: c.token, Client: ctxDoer{ctx: ctx, hc: c.hc}, Buffer: 100}
	b.SetAPIEndpoint(c.endpoint)
	return b
}

type ctxDoer struct {
	ctx context.Context
	hc  *http.Client
}

func (d ctxDoer) Do(r *http.Request) (*http.Response, error) { return d.hc.Do(r.WithContext(d.ctx)) }

// do runs call within policy p (see APIError.Unwrap for what is retried). The
// returned error is an *APIError for Telegram's answers.
func (c *Client) do(ctx context.Context, method string, call func(*tgbotapi.BotAPI) (*tgbotapi.APIResponse, error), p RetryPolicy) (json.RawMessage, error) {
	var out json.RawMessage
	err := p.Do(ctx, func(ctx context.Context) error {
		resp, err := call(c.api(ctx))
		if err != nil {
			return c.apiError(method, err)
		}
		out = resp.Result
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// once is the client's policy with a single attempt.
func (c *Client) once() RetryPolicy {
	p := c.retry
	p.MaxAttempts = 1
	return p
}

// apiError turns a tgbotapi error into ours, never showing the token.
func (c *Client) apiError(method string, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = strings.ReplaceAll(ue.URL, c.token, "<token>")
	}
	var te *tgbotapi.Error
	if !errors.As(err, &te) {
		return fmt.Errorf("telegram %s: %w", method, err)
	}
	return &APIError{Method: method, Code: te.Code, Description: te.Message, RetryAfter: time.Duration(te.RetryAfter) * time.Second}
}
