package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// ErrBlocked is wrapped by errors from chats that blocked the bot or removed it
// (Telegram's 403). Such calls are never retried.
var ErrBlocked = errors.New("telegram: bot blocked or removed from the chat")

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

// Is makes errors.Is(err, ErrBlocked) true for 403 answers.
func (e *APIError) Is(target error) bool {
	return target == ErrBlocked && e.Code == http.StatusForbidden
}

// RetryPolicy bounds retries of Bot API calls.
type RetryPolicy struct {
	MaxAttempts   int           // calls per request, including the first; default 4
	Base          time.Duration // first backoff after a transient error; default 500ms, doubled each time
	MaxDelay      time.Duration // longest backoff; default 5s
	MaxRetryAfter time.Duration // a 429 asking to wait longer than this is not retried; default 60s
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 4
	}
	if p.Base <= 0 {
		p.Base = 500 * time.Millisecond
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 5 * time.Second
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = time.Minute
	}
	return p
}

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
	return &Client{token: token, endpoint: endpoint, hc: hc, retry: retry.withDefaults(), botID: id}
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
	raw, err := c.do(ctx, "getMe", func(b *tgbotapi.BotAPI) (*tgbotapi.APIResponse, error) { return b.MakeRequest("getMe", nil) }, 1)
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
	return c.do(ctx, method, func(b *tgbotapi.BotAPI) (*tgbotapi.APIResponse, error) { return b.Request(ch) }, c.retry.MaxAttempts)
}

// Call calls a Bot API method with raw parameters (for what tgbotapi v5.5.1 does
// not model, such as setWebhook's secret_token) with the retry policy.
func (c *Client) Call(ctx context.Context, method string, params tgbotapi.Params) (json.RawMessage, error) {
	return c.do(ctx, method, func(b *tgbotapi.BotAPI) (*tgbotapi.APIResponse, error) { return b.MakeRequest(method, params) }, c.retry.MaxAttempts)
}

// CallOnce is Call without retries (long polling retries on its own terms).
func (c *Client) CallOnce(ctx context.Context, method string, params tgbotapi.Params) (json.RawMessage, error) {
	return c.do(ctx, method, func(b *tgbotapi.BotAPI) (*tgbotapi.APIResponse, error) { return b.MakeRequest(method, params) }, 1)
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

// do runs call up to attempts times: 429 waits retry_after (bounded by
// MaxRetryAfter), 5xx and network errors back off exponentially, 403 and other
// 4xx fail at once. The returned error is an *APIError for Telegram's answers.
func (c *Client) do(ctx context.Context, method string, call func(*tgbotapi.BotAPI) (*tgbotapi.APIResponse, error), attempts int) (json.RawMessage, error) {
	var lastErr error
	n := 0
	for n < attempts {
		n++
		resp, err := call(c.api(ctx))
		if err == nil {
			return resp.Result, nil
		}
		wait, retry, err := c.classify(method, err, n-1)
		lastErr = err
		if !retry || n >= attempts {
			break
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("%w (gave up waiting: %w)", lastErr, ctx.Err())
		case <-t.C:
		}
	}
	if n > 1 {
		return nil, fmt.Errorf("after %d attempts: %w", n, lastErr)
	}
	return nil, lastErr
}

// classify turns a tgbotapi error into ours and says whether and when to retry.
func (c *Client) classify(method string, err error, attempt int) (time.Duration, bool, error) {
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = strings.ReplaceAll(ue.URL, c.token, "<token>") // never log the token
	}
	var te *tgbotapi.Error
	if !errors.As(err, &te) {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return 0, false, fmt.Errorf("telegram %s: %w", method, err)
		}
		return c.backoff(attempt), true, fmt.Errorf("telegram %s: %w", method, err)
	}
	ae := &APIError{Method: method, Code: te.Code, Description: te.Message, RetryAfter: time.Duration(te.RetryAfter) * time.Second}
	switch {
	case ae.Code == http.StatusTooManyRequests:
		wait := ae.RetryAfter
		if wait <= 0 {
			wait = c.backoff(attempt)
		}
		return wait, wait <= c.retry.MaxRetryAfter, ae
	case ae.Code >= 500:
		return c.backoff(attempt), true, ae
	default: // 400 bad request, 401 bad token, 403 blocked, 404 ...: retrying cannot help
		return 0, false, ae
	}
}

func (c *Client) backoff(attempt int) time.Duration {
	d := c.retry.Base << attempt
	if d > c.retry.MaxDelay || d <= 0 {
		d = c.retry.MaxDelay
	}
	return d/2 + rand.N(d/2+1) // jitter spreads retries of many workers
}
