package source

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/dossier"
	"github.com/dvcbot/dvcbot/internal/obs"
)

// maxBody is the largest answer read; a longer one is malformed.
const maxBody = 1 << 20

// HTTP is the province's dossier system over HTTP. Safe for concurrent use.
type HTTP struct {
	cfg     Config
	client  *http.Client
	breaker *Breaker
	log     *slog.Logger
	now     func() time.Time

	mu          sync.Mutex
	unknownSeen map[string]time.Time // unknown status values, logged once an hour each
}

var (
	_ dossier.Source = (*HTTP)(nil)
	_ dossier.Downer = (*HTTP)(nil)
)

// Options of New; every field is optional.
type Options struct {
	Client *http.Client     // default: a client of its own (the timeout comes from the file)
	Log    *slog.Logger     // default: discard
	Now    func() time.Time // the breaker's clock; default time.Now
}

// New returns the source for a validated configuration.
func New(cfg Config, o Options) *HTTP {
	if o.Client == nil {
		o.Client = &http.Client{Transport: &http.Transport{
			Proxy: http.ProxyFromEnvironment, MaxIdleConns: 32, MaxIdleConnsPerHost: 16,
			IdleConnTimeout: 90 * time.Second, TLSHandshakeTimeout: cfg.Timeout, ResponseHeaderTimeout: cfg.Timeout,
		}}
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	h := &HTTP{cfg: cfg, client: o.Client, log: o.Log, now: o.Now, unknownSeen: map[string]time.Time{}}
	h.breaker = &Breaker{Failures: cfg.Breaker.Failures, Cooldown: cfg.Breaker.Cooldown, Now: o.Now, OnChange: func(s State) {
		obs.DossierSourceBreaker.Set(float64(s))
		h.log.Warn("dossier source circuit breaker", "state", s.String())
	}}
	obs.DossierSourceBreaker.Set(0)
	return h
}

// Config is the source's configuration.
func (h *HTTP) Config() Config { return h.cfg }

// Breaker is the source's circuit breaker.
func (h *HTTP) Breaker() *Breaker { return h.breaker }

// Down reports whether the breaker is open (a request would fail at once).
func (h *HTTP) Down(string) bool { return h.breaker.State() == Open }

// Answer is one exchange with the source and what the mapping made of it.
type Answer struct {
	URL      string // the request URL, secrets redacted
	Status   int    // HTTP status; 0 when no answer came
	Body     []byte // the raw answer (at most 1 MiB)
	Duration time.Duration
	Outcome  string // ok, not_found, timeout, error, http_5xx, http_4xx, malformed, invalid, breaker_open, canceled
	// Dossier is the mapped dossier (Outcome ok).
	Dossier dossier.Dossier
	// Problems are mapping problems, each naming its field; some only drop a
	// field (a date in an unknown format), others make the answer unusable
	// (Outcome invalid).
	Problems []string
	// UnknownStatus is the source's status value when the mapping does not
	// know it (the dossier then shows as processing, with a note).
	UnknownStatus string
	Err           error // wraps bot.ErrNotFound or bot.ErrDossierUnavailable; nil when ok
}

// Fetch implements dossier.Source.
func (h *HTTP) Fetch(ctx context.Context, code string) (dossier.Dossier, error) {
	a := h.Ask(ctx, code)
	return a.Dossier, a.Err
}

// Ask asks the source for code through the breaker and reports everything:
// the raw answer, the mapped dossier and the mapping's problems.
func (h *HTTP) Ask(ctx context.Context, code string) Answer {
	code = dossier.NormalizeCode(code)
	done, ok := h.breaker.Allow()
	if !ok {
		obs.DossierSourceRequests.WithLabelValues("breaker_open").Inc()
		return Answer{Outcome: "breaker_open", Err: fmt.Errorf("dossier source: circuit breaker open: %w", bot.ErrDossierUnavailable)}
	}
	a := h.ask(ctx, code)
	switch a.Outcome {
	case "ok", "not_found", "invalid":
		done(Success)
	case "canceled":
		done(Ignore)
	default:
		done(Failure)
	}
	obs.DossierSourceRequests.WithLabelValues(a.Outcome).Inc()
	if a.Status != 0 || a.Outcome == "timeout" || a.Outcome == "error" {
		obs.DossierSourceDuration.Observe(a.Duration.Seconds())
	}
	ch := dossier.CodeHash(code)
	switch a.Outcome {
	case "ok", "not_found":
		if len(a.Problems) > 0 {
			h.log.WarnContext(ctx, "dossier source: mapping problems", "code_hash", ch, "problems", strings.Join(a.Problems, "; "))
		}
	case "canceled":
	default:
		h.log.WarnContext(ctx, "dossier source unavailable", "code_hash", ch, "outcome", a.Outcome, "http_status", a.Status,
			"dur_ms", a.Duration.Milliseconds(), "problems", strings.Join(a.Problems, "; "), "err", a.Err)
	}
	if a.UnknownStatus != "" {
		obs.DossierSourceUnknownStatus.Inc()
		h.mu.Lock()
		last, seen := h.unknownSeen[a.UnknownStatus]
		now := h.now()
		log := !seen || now.Sub(last) > time.Hour
		if log {
			if len(h.unknownSeen) > 1000 {
				clear(h.unknownSeen)
			}
			h.unknownSeen[a.UnknownStatus] = now
		}
		h.mu.Unlock()
		if log {
			h.log.WarnContext(ctx, "dossier source: unknown status value, shown as processing; add it to statuses in the source file", "status", a.UnknownStatus)
		}
	}
	return a
}

// unavailable is an Answer error for outcome.
func unavailable(format string, args ...any) error {
	return fmt.Errorf("dossier source: %s: %w", fmt.Sprintf(format, args...), bot.ErrDossierUnavailable)
}

// ask makes the request and maps the answer (no breaker, no metrics).
func (h *HTTP) ask(ctx context.Context, code string) Answer {
	rawURL := strings.ReplaceAll(h.cfg.URL, "{code}", url.QueryEscape(code))
	a := Answer{URL: h.cfg.Redact(rawURL)}
	var body io.Reader
	if h.cfg.Body != "" {
		esc, _ := json.Marshal(code)
		body = strings.NewReader(strings.ReplaceAll(h.cfg.Body, "{code}", string(esc[1:len(esc)-1])))
	}
	rctx, cancel := context.WithTimeout(ctx, h.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, h.cfg.Method, rawURL, body)
	if err != nil {
		a.Outcome, a.Err = "error", unavailable("build the request: %v", err)
		return a
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range h.cfg.Headers {
		req.Header.Set(k, v)
	}
	start := time.Now()
	resp, err := h.client.Do(req)
	if err == nil {
		a.Status = resp.StatusCode
		a.Body, err = io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
		resp.Body.Close()
	}
	a.Duration = time.Since(start)
	switch {
	case err != nil && ctx.Err() != nil:
		a.Outcome, a.Err = "canceled", fmt.Errorf("dossier source: %w (%w)", bot.ErrDossierUnavailable, ctx.Err())
		return a
	case err != nil && errors.Is(rctx.Err(), context.DeadlineExceeded):
		a.Outcome, a.Err = "timeout", unavailable("no answer within %v", h.cfg.Timeout)
		return a
	case err != nil:
		// Without the secrets and the code (codes are personal data; logs name them by hash).
		msg := h.cfg.Redact(err.Error())
		for _, c := range []string{url.QueryEscape(code), url.PathEscape(code), code} {
			msg = strings.ReplaceAll(msg, c, "{code}")
		}
		a.Outcome, a.Err = "error", unavailable("%s", msg)
		return a
	}
	for _, s := range h.cfg.NotFound.Status {
		if a.Status == s {
			a.Outcome, a.Err = "not_found", fmt.Errorf("dossier source: HTTP %d: %w", a.Status, bot.ErrNotFound)
			return a
		}
	}
	switch {
	case a.Status >= 500:
		a.Outcome, a.Err = "http_5xx", unavailable("HTTP %d", a.Status)
		return a
	case a.Status < 200 || a.Status > 299:
		a.Outcome, a.Err = "http_4xx", unavailable("HTTP %d", a.Status)
		return a
	case len(a.Body) > maxBody:
		a.Outcome, a.Err = "malformed", unavailable("answer over %d bytes", maxBody)
		return a
	}
	doc, err := decodeJSON(a.Body)
	if err != nil {
		a.Outcome, a.Err = "malformed", unavailable("the answer is not JSON: %v", err)
		return a
	}
	if nf := h.cfg.NotFound; nf.Field != "" {
		v, found := lookup(doc, nf.Field)
		s, _ := scalar(v)
		if nf.Equals == "" && (!found || v == nil || s == "" && isEmpty(v)) || nf.Equals != "" && found && s == nf.Equals {
			a.Outcome, a.Err = "not_found", fmt.Errorf("dossier source: %s says no such dossier: %w", nf.Field, bot.ErrNotFound)
			return a
		}
	}
	d, probs, fatal, unknown := h.cfg.mapAnswer(code, doc)
	a.Problems, a.UnknownStatus = probs, unknown
	if fatal {
		a.Outcome, a.Err = "invalid", unavailable("the answer cannot be used: %s", strings.Join(probs, "; "))
		return a
	}
	a.Outcome, a.Dossier = "ok", d
	return a
}

// decodeJSON decodes one JSON value, numbers kept as json.Number.
func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("more than one JSON value")
	}
	return v, nil
}
