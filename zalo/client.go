package zalo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/channel"
)

// MaxTextRunes is Zalo's limit on one text message.
const MaxTextRunes = 2000

// maxButtons is the most buttons one list template carries.
const maxButtons = 5

// maxPayload bounds a button payload; longer actions are left out.
const maxPayload = 1000

// Error codes of the OA API the client acts on.
const (
	codeTokenInvalid = -216 // access token invalid or expired: refresh
	codeTokenExpired = -124 // access token expired: refresh
	codeRateLimit    = -32  // too many calls: wait
	codeNotFollower  = -213 // the citizen does not follow the OA (left): inactive
	codeNoInteract   = -230 // no interaction within the reply window: wait for the citizen
)

// ClientConfig configures a Client.
type ClientConfig struct {
	AppID, SecretKey           string
	AppSecret                  string // sent as secret_key with refreshes; empty: SecretKey
	APIEndpoint, OAuthEndpoint string
	HTTPClient                 *http.Client
	Retry                      channel.RetryPolicy
	Tokens                     channel.TokenStore
	Log                        *slog.Logger
	Now                        func() time.Time
	SeedAccess, SeedRefresh    string // saved when the store has no tokens yet
}

// Client calls the OA API: customer-service messages and token refreshes. It
// implements channel.Platform and is safe for concurrent use.
type Client struct {
	api    string
	hc     *http.Client
	retry  channel.RetryPolicy
	log    *slog.Logger
	tokens *tokenManager
}

var _ channel.Platform = (*Client)(nil)

// NewClient returns a client; it makes no network call.
func NewClient(cfg ClientConfig) *Client {
	if cfg.APIEndpoint == "" {
		cfg.APIEndpoint = DefaultAPIEndpoint
	}
	if cfg.OAuthEndpoint == "" {
		cfg.OAuthEndpoint = DefaultOAuthEndpoint
	}
	if cfg.HTTPClient == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConns = 256
		tr.MaxIdleConnsPerHost = 128
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second, Transport: tr}
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	c := &Client{api: strings.TrimRight(cfg.APIEndpoint, "/"), hc: cfg.HTTPClient, retry: cfg.Retry, log: cfg.Log}
	c.tokens = newTokenManager(cfg)
	return c
}

// Tokens returns the tokens in force (loading them on first use).
func (c *Client) Tokens(ctx context.Context) (channel.Tokens, error) { return c.tokens.current(ctx) }

// Refresh exchanges the refresh token for new tokens now, saving them before
// the old ones are dropped. Unlike the automatic refresh it ignores the pause
// after a failure.
func (c *Client) Refresh(ctx context.Context) (channel.Tokens, error) {
	return c.tokens.refreshNow(ctx)
}

// message is the body of a customer-service message.
type message struct {
	Recipient struct {
		UserID string `json:"user_id"`
	} `json:"recipient"`
	Message struct {
		Text       string      `json:"text,omitempty"`
		Attachment *attachment `json:"attachment,omitempty"`
	} `json:"message"`
}

type attachment struct {
	Type    string          `json:"type"`
	Payload templatePayload `json:"payload"`
}

type templatePayload struct {
	TemplateType string    `json:"template_type"`
	Elements     []element `json:"elements"`
	Buttons      []button  `json:"buttons,omitempty"`
}

type element struct {
	Title    string `json:"title"`
	Subtitle string `json:"subtitle,omitempty"`
}

type button struct {
	Title   string `json:"title"`
	Type    string `json:"type"` // oa.query.hide sends payload back as the citizen's text; oa.open.url opens a link
	Payload any    `json:"payload"`
}

// Render turns replies into OA messages to chat: each reply's text as plain
// text cut under MaxTextRunes, then its buttons as list templates of up to five
// buttons. Action buttons send "#dvc:<action>" back (hidden), which the webhook
// hands to the engine as the action; link buttons open their URL.
func Render(chat string, replies []bot.Reply) []message {
	var out []message
	for _, r := range replies {
		for _, chunk := range channel.Split(channel.PlainText(r.Text), MaxTextRunes) {
			var m message
			m.Recipient.UserID = chat
			m.Message.Text = chunk
			out = append(out, m)
		}
		var buttons []button
		for _, b := range r.Buttons {
			label := channel.Truncate(channel.PlainText(b.Label), 100)
			switch {
			case label == "":
			case b.URL != "":
				buttons = append(buttons, button{Title: label, Type: "oa.open.url", Payload: map[string]string{"url": b.URL}})
			case b.Action != "" && len(actionPrefix+b.Action) <= maxPayload:
				buttons = append(buttons, button{Title: label, Type: "oa.query.hide", Payload: actionPrefix + b.Action})
			}
		}
		for len(buttons) > 0 {
			n := min(len(buttons), maxButtons)
			var m message
			m.Recipient.UserID = chat
			m.Message.Attachment = &attachment{Type: "template", Payload: templatePayload{
				TemplateType: "list",
				Elements:     []element{{Title: "Bạn có thể chọn", Subtitle: "Chạm vào một mục bên dưới"}},
				Buttons:      buttons[:n],
			}}
			out = append(out, m)
			buttons = buttons[n:]
		}
	}
	return out
}

// Send delivers replies to the citizen chat (a Zalo user id) in order.
func (c *Client) Send(ctx context.Context, chat string, replies []bot.Reply) error {
	for _, m := range Render(chat, replies) {
		if err := c.sendOne(ctx, m); err != nil {
			return fmt.Errorf("send to zalo user %s: %w", chat, err)
		}
	}
	return nil
}

func (c *Client) sendOne(ctx context.Context, m message) error {
	body, err := json.Marshal(m)
	if err != nil {
		return err
	}
	refreshed := false
	return c.retry.Do(ctx, func(ctx context.Context) error {
		tok, err := c.tokens.access(ctx)
		if err != nil {
			return &channel.APIError{Platform: "zalo", Message: err.Error(), Kind: channel.ErrTokenExpired}
		}
		err = c.post(ctx, c.api+"/v3.0/oa/message/cs", tok, body)
		var ae *channel.APIError
		if errors.As(err, &ae) && errors.Is(ae, channel.ErrTokenExpired) && !refreshed {
			refreshed = true
			if rerr := c.tokens.refresh(ctx, tok); rerr != nil {
				return fmt.Errorf("%w; refresh failed: %w", err, rerr)
			}
			ae.Retry, ae.RetryAfter = true, time.Millisecond
		}
		return err
	})
}

// apiAnswer is the OA API's answer envelope.
type apiAnswer struct {
	Error   int    `json:"error"`
	Message string `json:"message"`
}

func (c *Client) post(ctx context.Context, url, token string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("access_token", token)
	resp, err := c.hc.Do(req)
	if err != nil {
		return fmt.Errorf("zalo: %w", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var ans apiAnswer
	jerr := json.Unmarshal(raw, &ans)
	if resp.StatusCode == http.StatusOK && jerr == nil && ans.Error == 0 {
		return nil
	}
	ae := &channel.APIError{Platform: "zalo", Status: resp.StatusCode, Code: ans.Error, Message: ans.Message}
	if jerr != nil && ae.Message == "" {
		ae.Message = strings.TrimSpace(string(raw[:min(len(raw), 200)]))
	}
	switch {
	case ans.Error == codeTokenInvalid || ans.Error == codeTokenExpired || resp.StatusCode == http.StatusUnauthorized:
		ae.Kind = channel.ErrTokenExpired
	case ans.Error == codeRateLimit || resp.StatusCode == http.StatusTooManyRequests:
		ae.Retry = true
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
			ae.RetryAfter = time.Duration(s) * time.Second
		}
	case ans.Error == codeNoInteract:
		ae.Kind = channel.ErrWindowClosed
	case ans.Error == codeNotFollower:
		ae.Kind = channel.ErrBlocked
	case resp.StatusCode >= 500:
		ae.Retry = true
	default:
		ae.Kind = channel.ErrPermanent
	}
	return ae
}
