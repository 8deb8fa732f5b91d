package channel

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"
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
// a queue is full, the adapter is closing or the store fails (the platform
// delivers again; events already queued are then recognised as redeliveries).
func (a *Adapter) AcceptAll(c *gin.Context, events []Event) {
	for _, ev := range events {
		res, err := a.Accept(c.Request.Context(), ev)
		if err != nil {
			if !errors.Is(err, ErrBusy) && !errors.Is(err, ErrClosed) {
				a.log.Error("event not accepted", "id", ev.ID, "err", err)
				err = errors.New("temporarily unavailable")
			} else {
				a.log.Warn("event deferred", "id", ev.ID, "reason", err)
			}
			c.Header("Retry-After", "1")
			c.AbortWithStatusJSON(http.StatusServiceUnavailable, gin.H{"error": err.Error()})
			return
		}
		if res == Duplicate {
			a.log.Debug("event delivered again; ignored", "id", ev.ID)
		}
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
