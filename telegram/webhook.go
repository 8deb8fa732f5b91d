package telegram

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/channel"
	"github.com/dvcbot/dvcbot/internal/obs"
)

// WebhookPath is where Telegram posts updates.
const WebhookPath = "/webhook/telegram"

// SecretHeader carries the secret given to setWebhook as secret_token.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// AllowedUpdates are the update types the channel asks Telegram for.
func AllowedUpdates() []string {
	return []string{"message", "edited_message", "callback_query", "my_chat_member"}
}

// Routes mounts the webhook (POST WebhookPath) on a router, for
// handlers.Options.Routes.
func (s *Service) Routes() func(*gin.Engine) {
	return func(r *gin.Engine) { r.POST(WebhookPath, s.Webhook) }
}

// Webhook receives one update from Telegram. It answers:
//   - 401 {"error"} when SecretHeader is missing or wrong (compared in constant
//     time); nothing is read or done;
//   - 400 {"error"} when the body is not an Update; 413 when it is too large;
//   - 200 {} once the update is stored with its payload and queued, or is a
//     redelivery of one stored before (answered or still to be), or needs no
//     work; handling happens afterwards, in order per chat, and an update the
//     process could not finish (it stopped or was killed) is handled at the next
//     start;
//   - 503 {"error"} when the chat's queue is full, the service is starting
//     (taking up unfinished updates) or shutting down, or the store fails:
//     nothing was queued and Telegram delivers it again.
func (s *Service) Webhook(c *gin.Context) {
	if !s.secretOK(c.GetHeader(SecretHeader)) {
		obs.WebhookUpdates.WithLabelValues(bot.ChannelTelegram, "unauthorized").Inc()
		c.AbortWithStatusJSON(http.StatusUnauthorized, gin.H{"error": "missing or wrong " + SecretHeader})
		return
	}
	body, ok := channel.ReadBody(c)
	if !ok {
		return
	}
	u, err := DecodeUpdate(body)
	if err != nil {
		obs.WebhookUpdates.WithLabelValues(bot.ChannelTelegram, "invalid").Inc()
		c.AbortWithStatusJSON(http.StatusBadRequest, gin.H{"error": err.Error()})
		return
	}
	s.AcceptAll(c, []channel.Event{u.event(body)})
}

// secretOK compares digests so that neither the content nor the length of the
// secret leaks through timing. Without a configured secret nothing passes.
func (s *Service) secretOK(got string) bool {
	if s.cfg.Secret == "" || got == "" {
		return false
	}
	a, b := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(s.cfg.Secret))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}

// Poll receives updates by long polling (getUpdates) until ctx ends, for trials
// without a public HTTPS address. Updates go through the same store and queues as
// the webhook; the offset moves past an update only once it is queued (or known
// to need nothing), so none is lost. Telegram refuses getUpdates while a webhook
// is set (409): delete it first (dvcctl telegram delete-webhook). Poll returns nil
// when ctx ends or the service closes.
func (s *Service) Poll(ctx context.Context) error {
	allowed, _ := json.Marshal(AllowedUpdates())
	var offset int64
	pause := time.Second
	for ctx.Err() == nil {
		raw, err := s.client.CallOnce(ctx, "getUpdates", tgbotapi.Params{
			"offset":          strconv.FormatInt(offset, 10),
			"timeout":         strconv.Itoa(s.cfg.PollTimeout),
			"allowed_updates": string(allowed),
		})
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			var ae *APIError
			if errors.As(err, &ae) && ae.Code == http.StatusConflict {
				s.log.Error("long polling refused while a webhook is set; run: dvcctl telegram delete-webhook", "err", err)
			} else {
				s.log.Warn("getUpdates failed; retrying", "err", err, "in", pause)
			}
			if !sleep(ctx, pause) {
				return nil
			}
			pause = min(pause*2, 30*time.Second)
			continue
		}
		pause = time.Second
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			s.log.Error("getUpdates answer unreadable", "err", err)
			continue
		}
		for _, item := range items {
			var probe struct {
				ID int64 `json:"update_id"`
			}
			_ = json.Unmarshal(item, &probe)
			if u, err := DecodeUpdate(item); err != nil {
				s.log.Error("telegram update unreadable; skipped", "update_id", probe.ID, "err", err)
			} else if err := s.offer(ctx, u, item); err != nil {
				return nil // closing or ctx ended: the offset stays, Telegram keeps the rest
			}
			offset = max(offset, probe.ID+1)
		}
	}
	return nil
}

// offer accepts u, waiting while its queue is full, the service is taking up
// unfinished updates, or the store fails.
func (s *Service) offer(ctx context.Context, u Update, raw []byte) error {
	pause := 20 * time.Millisecond
	for {
		_, err := s.Accept(ctx, u.event(raw))
		switch {
		case err == nil:
			return nil
		case errors.Is(err, channel.ErrClosed):
			return err
		case !errors.Is(err, channel.ErrBusy):
			s.log.Warn("telegram update not accepted; retrying", "update_id", u.UpdateID, "err", err)
			pause = time.Second
		}
		if !sleep(ctx, pause) {
			return ctx.Err()
		}
	}
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
