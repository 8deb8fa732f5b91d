// Package obs is dvcbot's observability: a slog handler that adds the request id
// (or Telegram update id) carried by the context to every line, the logger
// constructor for text or JSON output, and the Prometheus metrics with their
// HTTP handler. It imports nothing of the project, so every package may use it.
package obs

import (
	"context"
	"io"
	"log/slog"
)

type ctxKey int

const (
	requestIDKey ctxKey = iota
	updateIDKey
	clientKey
)

// WithRequestID returns ctx carrying an HTTP request id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey, id)
}

// RequestID returns the request id carried by ctx, or "".
func RequestID(ctx context.Context) string {
	s, _ := ctx.Value(requestIDKey).(string)
	return s
}

// WithUpdateID returns ctx carrying a channel's update id (Telegram update_id).
func WithUpdateID(ctx context.Context, id int64) context.Context {
	return context.WithValue(ctx, updateIDKey, id)
}

// UpdateID returns the update id carried by ctx and whether there is one.
func UpdateID(ctx context.Context) (int64, bool) {
	v, ok := ctx.Value(updateIDKey).(int64)
	return v, ok
}

// WithClient returns ctx carrying who sent the request: a client IP on the web,
// "channel:chat" on a messaging channel. Caps per client (such as what one
// client may add to the unanswered inbox) read it.
func WithClient(ctx context.Context, client string) context.Context {
	return context.WithValue(ctx, clientKey, client)
}

// Client returns the client carried by ctx, or "".
func Client(ctx context.Context) string {
	s, _ := ctx.Value(clientKey).(string)
	return s
}

// ContextHandler adds request_id and update_id from the record's context to
// every record. Use the *Context logging methods (InfoContext, ...) or
// Logger.Log(ctx, ...) so the context reaches it.
type ContextHandler struct{ next slog.Handler }

// NewContextHandler wraps next; wrapping a ContextHandler again returns it as is.
func NewContextHandler(next slog.Handler) slog.Handler {
	if h, ok := next.(*ContextHandler); ok {
		return h
	}
	return &ContextHandler{next: next}
}

// Enabled implements slog.Handler.
func (h *ContextHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

// Handle implements slog.Handler.
func (h *ContextHandler) Handle(ctx context.Context, r slog.Record) error {
	if ctx != nil {
		if id := RequestID(ctx); id != "" {
			r.AddAttrs(slog.String("request_id", id))
		}
		if id, ok := UpdateID(ctx); ok {
			r.AddAttrs(slog.Int64("update_id", id))
		}
	}
	return h.next.Handle(ctx, r)
}

// WithAttrs implements slog.Handler.
func (h *ContextHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &ContextHandler{next: h.next.WithAttrs(as)}
}

// WithGroup implements slog.Handler.
func (h *ContextHandler) WithGroup(name string) slog.Handler {
	return &ContextHandler{next: h.next.WithGroup(name)}
}

// WithContextIDs returns log with its handler wrapped in a ContextHandler (log
// itself when it already is).
func WithContextIDs(log *slog.Logger) *slog.Logger {
	if log == nil {
		return nil
	}
	if _, ok := log.Handler().(*ContextHandler); ok {
		return log
	}
	return slog.New(NewContextHandler(log.Handler()))
}

// NewLogger returns the service logger: level is debug, info, warn or error;
// format is "json" for one JSON object per line, anything else for logfmt-like
// text. Context ids are added to every line.
func NewLogger(w io.Writer, level, format string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	opts := &slog.HandlerOptions{Level: l}
	var h slog.Handler
	if format == "json" {
		h = slog.NewJSONHandler(w, opts)
	} else {
		h = slog.NewTextHandler(w, opts)
	}
	return slog.New(NewContextHandler(h))
}
