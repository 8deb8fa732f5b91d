// Package handlers is dvcbot's HTTP layer: a gin router with request ids, access
// logging, panic recovery and body limits, and thin handlers that verify, decode,
// call a service and respond. Domain errors become HTTP status codes in one place
// (writeError). Services come in as small interfaces declared beside their use;
// the staff API names the store's record types in them.
package handlers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/dvcbot/dvcbot/internal/obs"
)

// ReadyFunc reports nil when the service can answer: store reachable, index loaded.
type ReadyFunc func(ctx context.Context) error

// Options configure the router.
type Options struct {
	Log          *slog.Logger
	MaxBodyBytes int64
	Ready        ReadyFunc
	Index        http.Handler // GET / (the web chat); nil serves a placeholder
	Static       http.Handler // GET /static/*; may be nil
	Admin        http.Handler // GET /admin and /admin/*; may be nil
	Routes       []func(*gin.Engine)
	// Metrics, when set, is served at GET /metrics (the Prometheus handler when
	// no separate operations listener is configured).
	Metrics http.Handler
	// TrustedProxies are the CIDRs (or addresses) whose X-Forwarded-For is
	// believed when finding a client's address; empty believes nobody.
	TrustedProxies []string
	// MaxImportBytes is the body limit of the routes that take a whole file
	// (importRoutes); every other route keeps MaxBodyBytes. Default 64 MiB.
	MaxImportBytes int64
	// ReadyDetail, when set, adds {"detail": {...}} to /readyz: the state of
	// parts that do not make the service unready (a channel whose token failed).
	ReadyDetail func(ctx context.Context) map[string]string
}

func init() { gin.SetMode(gin.ReleaseMode) }

// NewRouter builds the HTTP handler with middleware and the operational routes
// (/healthz, /readyz, /). Feature routes come in through opts.Routes.
func NewRouter(opts Options) *gin.Engine {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	opts.Log = obs.WithContextIDs(opts.Log)
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = 1 << 20
	}
	if opts.MaxImportBytes <= 0 {
		opts.MaxImportBytes = ImportBodyBytes
	}
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.RemoteIPHeaders = []string{"X-Forwarded-For"}
	if err := r.SetTrustedProxies(opts.TrustedProxies); err != nil {
		opts.Log.Error("trusted proxies ignored", "err", err) // validated with the configuration
		_ = r.SetTrustedProxies(nil)
	}
	r.Use(requestID(), tracing(), accessLog(opts.Log), recovery(opts.Log), bodyLimit(opts.MaxBodyBytes, opts.MaxImportBytes))
	r.NoRoute(func(c *gin.Context) { writeError(c, errNoRoute) })
	r.NoMethod(func(c *gin.Context) { writeError(c, errNoMethod) })

	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	r.GET("/readyz", func(c *gin.Context) {
		if opts.Ready == nil {
			c.JSON(http.StatusOK, gin.H{"status": "ready"})
			return
		}
		ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
		defer cancel()
		body := gin.H{"status": "ready"}
		if opts.ReadyDetail != nil {
			if d := opts.ReadyDetail(ctx); len(d) > 0 {
				body["detail"] = d
			}
		}
		if err := opts.Ready(ctx); err != nil {
			opts.Log.Warn("not ready", "err", err)
			body["status"], body["error"] = "not ready", err.Error()
			c.JSON(http.StatusServiceUnavailable, body)
			return
		}
		c.JSON(http.StatusOK, body)
	})
	if opts.Metrics != nil {
		r.GET("/metrics", gin.WrapH(opts.Metrics))
	}
	if opts.Index != nil {
		r.GET("/", gin.WrapH(opts.Index))
	} else {
		r.GET("/", func(c *gin.Context) {
			c.Data(http.StatusOK, "text/html; charset=utf-8", []byte(placeholder))
		})
	}
	if opts.Static != nil {
		r.GET("/static/*path", gin.WrapH(opts.Static))
	}
	if opts.Admin != nil {
		r.GET("/admin", gin.WrapH(opts.Admin))
		r.GET("/admin/*path", gin.WrapH(opts.Admin))
	}
	for _, add := range opts.Routes {
		add(r)
	}
	return r
}

const placeholder = `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>dvcbot</title></head><body><h1>dvcbot</h1><p>Trợ lý hướng dẫn dịch vụ công trực tuyến.</p></body></html>`

const requestIDHeader = "X-Request-ID"

var safeRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// requestID keeps a sane incoming X-Request-ID or makes one, and echoes it.
func requestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader(requestIDHeader)
		if !safeRequestID.MatchString(id) {
			var b [8]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		c.Set("request_id", id)
		c.Request = c.Request.WithContext(obs.WithRequestID(c.Request.Context(), id))
		c.Header(requestIDHeader, id)
		c.Next()
	}
}

// accessLog writes one structured line per request (the request id comes from
// the context) and counts it in the HTTP metrics. A 5xx line carries the error
// chain that writeError recorded, so each failure is logged once, with its id.
func accessLog(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		dur := time.Since(start)
		status := c.Writer.Status()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		obs.HTTPRequests.WithLabelValues(route, c.Request.Method, strconv.Itoa(status)).Inc()
		obs.HTTPDuration.WithLabelValues(route).Observe(dur.Seconds())
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		} else if c.Request.URL.Path == "/healthz" || c.Request.URL.Path == "/readyz" || c.Request.URL.Path == "/metrics" {
			level = slog.LevelDebug
		}
		if !log.Enabled(c.Request.Context(), level) {
			return
		}
		attrs := []any{
			"method", c.Request.Method,
			"path", c.Request.URL.Path,
			"status", status,
			"dur_ms", float64(dur.Microseconds()) / 1000,
			"bytes", c.Writer.Size(),
			"client_ip", c.ClientIP(),
		}
		if status >= 500 && len(c.Errors) > 0 {
			attrs = append(attrs, "err", c.Errors.Last().Err.Error())
		}
		log.Log(c.Request.Context(), level, "http", attrs...)
	}
}

// recovery turns a panic into a logged 500 with a generic JSON body.
func recovery(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				log.ErrorContext(c.Request.Context(), "panic in handler", "panic", fmt.Sprint(p), "path", c.Request.URL.Path, "stack", string(debug.Stack()))
				if !c.Writer.Written() {
					c.AbortWithStatusJSON(http.StatusInternalServerError, gin.H{"error": "internal error", "request_id": c.GetString("request_id")})
				} else {
					c.Abort()
				}
			}
		}()
		c.Next()
	}
}

// ImportBodyBytes is the default body limit of the file import routes.
const ImportBodyBytes = 64 << 20

// importRoutes take a whole file as their body (method and route pattern).
var importRoutes = map[string]bool{"POST /api/admin/catalog": true, "POST /api/admin/dossiers": true, "POST /api/admin/offices": true}

// bodyLimit caps every request body at n, and the bodies of importRoutes at
// importN; reading past the cap fails with *http.MaxBytesError, which
// writeError maps to 413.
func bodyLimit(n, importN int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		limit := n
		if importRoutes[c.Request.Method+" "+c.FullPath()] {
			limit = max(n, importN)
		}
		if c.Request.ContentLength > limit {
			writeError(c, &http.MaxBytesError{Limit: limit})
			c.Abort()
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
		c.Next()
	}
}
