package channel

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/dvcbot/dvcbot/internal/obs"
)

// ReadBody reads the raw request body (signatures are computed over it). On
// failure it has answered 413 or 400 and returns false.
func ReadBody(c *gin.Context) ([]byte, bool) {
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			c.AbortWithStatusJSON(http.StatusRequestEntityTooLarge, gin.H{"error": "event too large"})
			return nil, false
		}
		c.AbortWithStatusJSON(http.StatusBadRequest, gin.H{"error": "could not read the event"})
		return nil, false
	}
	return body, true
}

// AcceptAll offers events in order and answers the webhook: 200 {} when every
// one was queued, was a redelivery or needed nothing; 503 with Retry-After when
// a queue is full, the adapter is starting (taking up unfinished events) or
// closing, or the store fails (the platform delivers again; events already
// queued are then recognised as redeliveries). Each event is counted in
// dvcbot_webhook_updates_total.
func (a *Adapter) AcceptAll(c *gin.Context, events []Event) {
	ctx := c.Request.Context()
	for _, ev := range events {
		res, err := a.Accept(ctx, ev)
		if err != nil {
			if !errors.Is(err, ErrBusy) && !errors.Is(err, ErrClosed) {
				obs.WebhookUpdates.WithLabelValues(a.cfg.Channel, "failed").Inc()
				a.log.ErrorContext(ctx, "event not accepted", "id", ev.ID, "err", err)
				err = errors.New("temporarily unavailable")
			} else {
				obs.WebhookUpdates.WithLabelValues(a.cfg.Channel, "deferred").Inc()
				a.log.WarnContext(ctx, "event deferred", "id", ev.ID, "reason", err)
			}
			c.Header("Retry-After", "1")
			c.AbortWithStatusJSON(http.StatusServiceUnavailable, gin.H{"error": err.Error()})
			return
		}
		result := "accepted" // or needing nothing: acknowledged either way
		if res == Duplicate {
			result = "duplicate"
			a.log.DebugContext(ctx, "event delivered again; ignored", "id", ev.ID)
		}
		obs.WebhookUpdates.WithLabelValues(a.cfg.Channel, result).Inc()
	}
	c.JSON(http.StatusOK, gin.H{})
}

// Unauthorized answers 401 and logs at debug level (the internet is noisy).
func Unauthorized(c *gin.Context, log *slog.Logger, why string) {
	log.Log(context.Background(), slog.LevelDebug, "webhook refused", "path", c.Request.URL.Path, "why", why)
	c.AbortWithStatusJSON(http.StatusUnauthorized, gin.H{"error": why})
}

// Log is the adapter's logger (with the channel name).
func (a *Adapter) Log() *slog.Logger { return a.log }
