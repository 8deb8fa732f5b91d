package zalo

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/dvcbot/dvcbot/channel"
)

// Event is the part of an OA webhook event the channel reads.
type Event struct {
	AppID     string `json:"app_id"`
	OAID      string `json:"oa_id"`
	EventName string `json:"event_name"`
	Timestamp string `json:"timestamp"` // milliseconds since the epoch, as a string
	Sender    struct {
		ID string `json:"id"`
	} `json:"sender"`
	Recipient struct {
		ID string `json:"id"`
	} `json:"recipient"`
	Follower struct {
		ID string `json:"id"`
	} `json:"follower"`
	Message struct {
		MsgID string `json:"msg_id"`
		Text  string `json:"text"`
	} `json:"message"`
	UserIDByApp string `json:"user_id_by_app"`
}

// Webhook receives one OA event. It answers:
//   - 401 {"error"} when X-ZEvent-Signature is missing or wrong (compared in
//     constant time; a body that is not JSON cannot be verified either), or the
//     event's timestamp is further than MaxAge from now (a replay); nothing is
//     done;
//   - 400 {"error"} when a signed event's timestamp is not milliseconds; 413
//     when the body is too large;
//   - 200 {} once the event is claimed and queued, is a redelivery of one
//     claimed before (same msg_id), or needs no work (events other than
//     user_send_text, follow and unfollow);
//   - 503 {"error"} with Retry-After when the chat's queue is full, the service
//     is shutting down or the store fails.
func (s *Service) Webhook(c *gin.Context) {
	body, ok := channel.ReadBody(c)
	if !ok {
		return
	}
	ev, needed, err := s.verify(c.GetHeader(SignatureHeader), body)
	var r *refusal
	switch {
	case errors.As(err, &r) && r.status == http.StatusUnauthorized:
		channel.Unauthorized(c, s.log, r.why)
	case err != nil:
		c.AbortWithStatusJSON(http.StatusBadRequest, gin.H{"error": err.Error()})
	case !needed:
		c.JSON(http.StatusOK, gin.H{})
	default:
		s.AcceptAll(c, []channel.Event{ev})
	}
}

// refusal is why verify refused an event, with the status to answer.
type refusal struct {
	status int
	why    string
}

func (r *refusal) Error() string { return r.why }

// verify checks the signature and age of one OA event and decodes it: the
// event and whether it needs work, or a *refusal (401: signature missing or
// wrong, or a stale timestamp; 400: a signed timestamp that is not
// milliseconds).
func (s *Service) verify(sig string, body []byte) (channel.Event, bool, error) {
	var e Event
	if err := json.Unmarshal(body, &e); err != nil {
		// The signature covers the timestamp inside the body, so an unreadable
		// body cannot be verified either.
		return channel.Event{}, false, &refusal{http.StatusUnauthorized, "missing or wrong " + SignatureHeader}
	}
	if !s.signatureOK(sig, body, e.Timestamp) {
		return channel.Event{}, false, &refusal{http.StatusUnauthorized, "missing or wrong " + SignatureHeader}
	}
	at, err := parseMillis(e.Timestamp)
	if err != nil {
		return channel.Event{}, false, &refusal{http.StatusBadRequest, "timestamp: " + err.Error()}
	}
	if d := s.cfg.Now().Sub(at); d > s.cfg.MaxAge || d < -s.cfg.MaxAge {
		return channel.Event{}, false, &refusal{http.StatusUnauthorized, "stale event timestamp"}
	}
	ev, needed := decode(e, at)
	return ev, needed, nil
}

// Sign is the X-ZEvent-Signature value of body with timestamp (for tests and
// tools that replay events).
func Sign(appID, secretKey string, body []byte, timestamp string) string {
	h := sha256.New()
	h.Write([]byte(appID))
	h.Write(body)
	h.Write([]byte(timestamp))
	h.Write([]byte(secretKey))
	return "mac=" + hex.EncodeToString(h.Sum(nil))
}

func (s *Service) signatureOK(got string, body []byte, timestamp string) bool {
	if got == "" || timestamp == "" {
		return false
	}
	want := Sign(s.cfg.AppID, s.cfg.SecretKey, body, timestamp)
	got = strings.TrimSpace(got)
	return subtle.ConstantTimeCompare([]byte(strings.ToLower(got)), []byte(want)) == 1
}

func parseMillis(s string) (time.Time, error) {
	ms, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || ms <= 0 {
		return time.Time{}, fmt.Errorf("%q is not milliseconds since the epoch", s)
	}
	return time.UnixMilli(ms), nil
}

// actionPrefix marks button payloads (sent back as the citizen's text) that
// are engine actions.
const actionPrefix = "#dvc:"

func decode(e Event, at time.Time) (channel.Event, bool) {
	switch e.EventName {
	case "user_send_text":
		ev := channel.Event{ID: e.Message.MsgID, Chat: e.Sender.ID, Kind: channel.KindMessage, At: at}
		if a, ok := strings.CutPrefix(strings.TrimSpace(e.Message.Text), actionPrefix); ok {
			ev.Action = a
		} else {
			ev.Text = e.Message.Text
		}
		if ev.ID == "" {
			ev.ID = "text:" + e.Sender.ID + ":" + e.Timestamp
		}
		return ev, ev.Chat != ""
	case "follow":
		return channel.Event{ID: "follow:" + e.Follower.ID + ":" + e.Timestamp, Chat: e.Follower.ID, Kind: channel.KindFollow, At: at}, e.Follower.ID != ""
	case "unfollow":
		return channel.Event{ID: "unfollow:" + e.Follower.ID + ":" + e.Timestamp, Chat: e.Follower.ID, Kind: channel.KindUnfollow, At: at}, e.Follower.ID != ""
	}
	return channel.Event{}, false
}
