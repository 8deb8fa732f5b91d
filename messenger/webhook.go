package messenger

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/dvcbot/dvcbot/channel"
)

// Verify answers Meta's subscription check: with hub.mode=subscribe and the
// right hub.verify_token (compared in constant time) it returns hub.challenge
// as text/plain with 200; otherwise 403.
func (s *Service) Verify(c *gin.Context) {
	mode, tok, challenge := c.Query("hub.mode"), c.Query("hub.verify_token"), c.Query("hub.challenge")
	a, b := sha256.Sum256([]byte(tok)), sha256.Sum256([]byte(s.cfg.VerifyToken))
	if mode != "subscribe" || tok == "" || subtle.ConstantTimeCompare(a[:], b[:]) != 1 {
		c.AbortWithStatusJSON(http.StatusForbidden, gin.H{"error": "wrong hub.mode or hub.verify_token"})
		return
	}
	c.Data(http.StatusOK, "text/plain; charset=utf-8", []byte(challenge))
}

// Payload is a webhook POST of the page subscription.
type Payload struct {
	Object string `json:"object"`
	Entry  []struct {
		ID        string      `json:"id"`
		Time      int64       `json:"time"`
		Messaging []Messaging `json:"messaging"`
	} `json:"entry"`
}

// Messaging is one messaging event.
type Messaging struct {
	Sender struct {
		ID string `json:"id"`
	} `json:"sender"`
	Recipient struct {
		ID string `json:"id"`
	} `json:"recipient"`
	Timestamp int64 `json:"timestamp"`
	Message   *struct {
		MID        string `json:"mid"`
		Text       string `json:"text"`
		IsEcho     bool   `json:"is_echo"`
		QuickReply *struct {
			Payload string `json:"payload"`
		} `json:"quick_reply"`
	} `json:"message"`
	Postback *struct {
		MID     string `json:"mid"`
		Title   string `json:"title"`
		Payload string `json:"payload"`
	} `json:"postback"`
}

// Webhook receives a batch of page events. It answers:
//   - 401 {"error"} when X-Hub-Signature-256 is missing or wrong (HMAC-SHA256 of
//     the raw body with the app secret, compared in constant time);
//   - 400 {"error"} when a signed body is not JSON; 413 when too large;
//   - 200 {} once every message and postback is stored and queued or is a
//     redelivery (same mid); echoes, deliveries, reads and objects other than
//     "page" need no work;
//   - 503 {"error"} with Retry-After when a queue is full, the service is
//     shutting down or the store fails (Meta delivers the batch again; events
//     already queued are recognised by their mid).
func (s *Service) Webhook(c *gin.Context) {
	body, ok := channel.ReadBody(c)
	if !ok {
		return
	}
	events, err := s.verify(c.GetHeader(SignatureHeader), body)
	switch {
	case errors.Is(err, errSignature):
		channel.Unauthorized(c, s.log, err.Error())
	case err != nil:
		c.AbortWithStatusJSON(http.StatusBadRequest, gin.H{"error": err.Error()})
	default:
		s.AcceptAll(c, events)
	}
}

var (
	errSignature = errors.New("missing or wrong " + SignatureHeader)
	errNotEvent  = errors.New("not a webhook event")
)

// verify checks the signature of a webhook POST and decodes the messages and
// postbacks that need work (none for objects other than "page"). The error is
// errSignature (401) or, for a signed body that is not JSON, errNotEvent (400).
func (s *Service) verify(sig string, body []byte) ([]channel.Event, error) {
	if !s.signatureOK(sig, body) {
		return nil, errSignature
	}
	var p Payload
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, errNotEvent
	}
	if p.Object != "page" {
		return nil, nil // another product's subscription: nothing to do
	}
	var events []channel.Event
	for _, e := range p.Entry {
		for _, m := range e.Messaging {
			if ev, ok := decode(m); ok {
				events = append(events, ev)
			}
		}
	}
	return events, nil
}

// Sign is the X-Hub-Signature-256 value of body (for tests and tools).
func Sign(appSecret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(appSecret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

func (s *Service) signatureOK(got string, body []byte) bool {
	if got == "" {
		return false
	}
	want := Sign(s.cfg.AppSecret, body)
	return subtle.ConstantTimeCompare([]byte(strings.ToLower(strings.TrimSpace(got))), []byte(want)) == 1
}

// GetStartedPayload is the payload to give the page's "Get Started" button; it
// reaches the engine as /start.
const GetStartedPayload = "GET_STARTED"

func decode(m Messaging) (channel.Event, bool) {
	at := time.UnixMilli(m.Timestamp)
	if m.Timestamp == 0 {
		at = time.Time{}
	}
	chat := m.Sender.ID
	switch {
	case chat == "":
		return channel.Event{}, false
	case m.Message != nil && !m.Message.IsEcho:
		ev := channel.Event{ID: m.Message.MID, Chat: chat, Kind: channel.KindMessage, Text: m.Message.Text, At: at}
		if q := m.Message.QuickReply; q != nil && q.Payload != "" {
			ev.Text, ev.Action = "", q.Payload
		}
		if ev.ID == "" {
			ev.ID = fmt.Sprintf("msg:%s:%d", chat, m.Timestamp)
		}
		return ev, ev.Text != "" || ev.Action != ""
	case m.Postback != nil && m.Postback.Payload != "":
		id := m.Postback.MID
		if id == "" {
			id = fmt.Sprintf("pb:%s:%d", chat, m.Timestamp)
		}
		ev := channel.Event{ID: id, Chat: chat, Kind: channel.KindMessage, Action: m.Postback.Payload, At: at}
		if ev.Action == GetStartedPayload {
			ev.Action, ev.Text = "", "/start"
		}
		return ev, true
	}
	return channel.Event{}, false
}
