package messenger

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/channel"
)

// Send API limits.
const (
	MaxTextRunes    = 2000 // one text message
	maxQuickReplies = 13
	maxQuickTitle   = 20 // quick reply and button titles
	maxPayload      = 1000
	maxElements     = 10 // generic template
	maxElementTitle = 80
)

// Client calls the Send API with the page token. It implements
// channel.Platform and is safe for concurrent use.
type Client struct {
	url   string // .../me/messages
	token string
	hc    *http.Client
	retry channel.RetryPolicy
}

var _ channel.Platform = (*Client)(nil)

// NewClient returns a client for the page token on endpoint (the Graph API
// base; empty: DefaultAPIEndpoint). hc may be nil.
func NewClient(token, endpoint string, hc *http.Client, retry channel.RetryPolicy) *Client {
	if endpoint == "" {
		endpoint = DefaultAPIEndpoint
	}
	if hc == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConns = 256
		tr.MaxIdleConnsPerHost = 128
		hc = &http.Client{Timeout: 30 * time.Second, Transport: tr}
	}
	return &Client{url: strings.TrimRight(endpoint, "/") + "/me/messages", token: token, hc: hc, retry: retry}
}

// Request is one Send API call's body.
type Request struct {
	Recipient struct {
		ID string `json:"id"`
	} `json:"recipient"`
	MessagingType string  `json:"messaging_type"`
	Message       Message `json:"message"`
}

// Message is the message of a Send API call.
type Message struct {
	Text         string       `json:"text,omitempty"`
	QuickReplies []QuickReply `json:"quick_replies,omitempty"`
	Attachment   *Attachment  `json:"attachment,omitempty"`
}

// QuickReply is a quick reply chip.
type QuickReply struct {
	ContentType string `json:"content_type"`
	Title       string `json:"title"`
	Payload     string `json:"payload"`
}

// Attachment is a template attachment.
type Attachment struct {
	Type    string          `json:"type"`
	Payload TemplatePayload `json:"payload"`
}

// TemplatePayload is a generic template.
type TemplatePayload struct {
	TemplateType string    `json:"template_type"`
	Elements     []Element `json:"elements"`
}

// Element is one card of a generic template.
type Element struct {
	Title   string   `json:"title"`
	Buttons []Button `json:"buttons"`
}

// Button is a template button: a postback (payload) or a link (url).
type Button struct {
	Type    string `json:"type"`
	Title   string `json:"title"`
	Payload string `json:"payload,omitempty"`
	URL     string `json:"url,omitempty"`
}

// Render turns replies into Send API requests to psid: each reply's text as
// plain text under MaxTextRunes; action buttons with short labels (≤ 20
// characters) as quick replies on the last chunk; long-labelled actions and
// links as cards of a generic template (full title, a "Chọn" postback or an
// "Mở" link). Quick replies and postbacks send the action back as payload.
func Render(psid string, replies []bot.Reply) []Request {
	var out []Request
	add := func(m Message) {
		var r Request
		r.Recipient.ID = psid
		r.MessagingType = "RESPONSE"
		r.Message = m
		out = append(out, r)
	}
	for _, rep := range replies {
		var quick []QuickReply
		var cards []Element
		allShort := true
		for _, b := range rep.Buttons {
			if b.Action != "" && b.URL == "" && utf8.RuneCountInString(b.Label) > maxQuickTitle {
				allShort = false
			}
		}
		for _, b := range rep.Buttons {
			label := channel.PlainText(b.Label)
			switch {
			case label == "":
			case b.URL != "":
				cards = append(cards, Element{Title: channel.Truncate(label, maxElementTitle), Buttons: []Button{{Type: "web_url", Title: "Mở", URL: b.URL}}})
			case b.Action == "" || len(b.Action) > maxPayload:
			case allShort && len(quick) < maxQuickReplies:
				quick = append(quick, QuickReply{ContentType: "text", Title: label, Payload: b.Action})
			default:
				cards = append(cards, Element{Title: channel.Truncate(label, maxElementTitle), Buttons: []Button{{Type: "postback", Title: "Chọn", Payload: b.Action}}})
			}
		}
		chunks := channel.Split(channel.PlainText(rep.Text), MaxTextRunes)
		if len(chunks) == 0 && len(quick) > 0 {
			chunks = []string{"Bạn chọn:"}
		}
		for i, c := range chunks {
			m := Message{Text: c}
			if i == len(chunks)-1 {
				m.QuickReplies = quick
			}
			add(m)
		}
		for len(cards) > 0 {
			n := min(len(cards), maxElements)
			add(Message{Attachment: &Attachment{Type: "template", Payload: TemplatePayload{TemplateType: "generic", Elements: cards[:n]}}})
			cards = cards[n:]
		}
	}
	return out
}

// Send delivers replies to psid in order.
func (c *Client) Send(ctx context.Context, psid string, replies []bot.Reply) error {
	for _, r := range Render(psid, replies) {
		body, err := json.Marshal(r)
		if err != nil {
			return err
		}
		if err := c.retry.Do(ctx, func(ctx context.Context) error { return c.post(ctx, body) }); err != nil {
			return fmt.Errorf("send to messenger user %s: %w", psid, err)
		}
	}
	return nil
}

type graphError struct {
	Error struct {
		Message      string `json:"message"`
		Type         string `json:"type"`
		Code         int    `json:"code"`
		ErrorSubcode int    `json:"error_subcode"`
	} `json:"error"`
}

func (c *Client) post(ctx context.Context, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url+"?access_token="+url.QueryEscape(c.token), bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		if ue, ok := err.(*url.Error); ok {
			ue.URL = strings.ReplaceAll(ue.URL, url.QueryEscape(c.token), "<token>") // never log the token
		}
		return fmt.Errorf("messenger: %w", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	var g graphError
	_ = json.Unmarshal(raw, &g)
	e := g.Error
	ae := &channel.APIError{Platform: "messenger", Status: resp.StatusCode, Code: e.Code, Message: e.Message}
	if e.ErrorSubcode != 0 {
		ae.Message = fmt.Sprintf("%s (subcode %d)", e.Message, e.ErrorSubcode)
	}
	switch {
	case e.Code == 10 && e.ErrorSubcode == 2018278, e.ErrorSubcode == 2018108:
		ae.Kind = channel.ErrWindowClosed // outside the allowed window
	case e.Code == 551 || e.ErrorSubcode == 1545041:
		ae.Kind = channel.ErrBlocked // this person isn't available right now
	case resp.StatusCode == http.StatusTooManyRequests || e.Code == 4 || e.Code == 32 || e.Code == 613 || e.ErrorSubcode == 2018022:
		ae.Retry = true
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
			ae.RetryAfter = time.Duration(s) * time.Second
		}
	case e.Code == 190:
		ae.Kind = channel.ErrTokenExpired
	case resp.StatusCode >= 500 || e.Code == 1 || e.Code == 2:
		ae.Retry = true
	default:
		ae.Kind = channel.ErrPermanent
	}
	return ae
}
