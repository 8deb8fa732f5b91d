package obs

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Registry holds every dvcbot metric plus the Go runtime and process
// collectors. Metrics are process-wide, as Prometheus expects of one process.
var Registry = prometheus.NewRegistry()

func init() {
	Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
}

func counter(name, help string, labels ...string) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "dvcbot", Name: name, Help: help}, labels)
	Registry.MustRegister(c)
	return c
}

func histogram(name, help string, buckets []float64, labels ...string) *prometheus.HistogramVec {
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: "dvcbot", Name: name, Help: help, Buckets: buckets}, labels)
	Registry.MustRegister(h)
	return h
}

func counter0(name, help string) prometheus.Counter {
	c := prometheus.NewCounter(prometheus.CounterOpts{Namespace: "dvcbot", Name: name, Help: help})
	Registry.MustRegister(c)
	return c
}

func histogram0(name, help string, buckets []float64) prometheus.Histogram {
	h := prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: "dvcbot", Name: name, Help: help, Buckets: buckets})
	Registry.MustRegister(h)
	return h
}

func gauge0(name, help string) prometheus.Gauge {
	g := prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "dvcbot", Name: name, Help: help})
	Registry.MustRegister(g)
	return g
}

// latencyBuckets span 0.5 ms to 10 s.
var latencyBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// The metrics. Label values are bounded sets (channels, intents, outcomes,
// route patterns, operation names), never user input.
var (
	HTTPRequests = counter("http_requests_total", "HTTP requests by route pattern, method and status code.", "route", "method", "code")
	HTTPDuration = histogram("http_request_duration_seconds", "HTTP request latency by route pattern.", latencyBuckets, "route")

	Turns            = counter("turns_total", "Dialogue turns answered by channel and intent.", "channel", "intent")
	TurnErrors       = counter("turn_errors_total", "Dialogue turns that failed with an error, by channel.", "channel")
	TurnDuration     = histogram("turn_duration_seconds", "Latency of one dialogue turn (engine.Handle) by channel.", latencyBuckets, "channel")
	Unanswered       = counter("unanswered_total", "Questions the bot could not answer (recorded for staff), by channel.", "channel")
	UnansweredCapped = counter0("unanswered_capped_total", "Unanswered questions not recorded because their client reached its cap.")

	SearchDuration = histogram0("search_duration_seconds", "Latency of one knowledge-base search.", latencyBuckets)
	SearchErrors   = counter0("search_errors_total", "Knowledge-base searches that failed.")

	StoreDuration = histogram("store_op_duration_seconds", "Latency of store operations on the dialogue path, by operation.", latencyBuckets, "op")
	StoreErrors   = counter("store_op_errors_total", "Store operations on the dialogue path that failed, by operation.", "op")

	WebhookUpdates = counter("webhook_updates_total", "Channel webhook updates by channel and result (accepted, duplicate, deferred, failed, invalid, unauthorized).", "channel", "result")
	SendErrors     = counter("send_errors_total", "Replies or notifications a channel failed to deliver, by channel.", "channel")

	RateLimited = counter("rate_limited_total", "Turns refused by an abuse limit, by scope (ip, session, chat).", "scope")

	DossierLookups  = counter("dossier_lookups_total", "Dossier lookups by outcome (ok, not_found, wrong_digits, locked, rate_limited, unavailable).", "outcome")
	DossierLockouts = counter0("dossier_lockouts_total", "Requesters locked out of a dossier code after too many wrong tries.")
	DossierAlerts   = counter0("dossier_code_alerts_total", "Dossier codes that saw failed lookups from many requesters (possible attack).")

	DossierSourceRequests      = counter("dossier_source_requests_total", "Requests to the province's dossier system by outcome (ok, not_found, timeout, error, http_5xx, http_4xx, malformed, invalid, breaker_open).", "outcome")
	DossierSourceDuration      = histogram0("dossier_source_request_duration_seconds", "Latency of one request to the province's dossier system.", latencyBuckets)
	DossierSourceBreaker       = gauge0("dossier_source_breaker_state", "Circuit breaker of the province's dossier system: 0 closed, 1 half-open, 2 open.")
	DossierSourceUnknownStatus = counter0("dossier_source_unknown_statuses_total", "Source answers whose status the mapping does not know (shown as processing).")
	DossierRechecks            = counter("dossier_rechecks_total", "Notification re-checks of subscribed dossiers at the source by outcome (unchanged, changed, not_found, unavailable).", "outcome")

	ImportRows = counter("import_rows_total", "Imported rows by kind (dossier, ...) and result (accepted, rejected).", "kind", "result")
)

// Since observes the seconds since start on h.
func Since(h prometheus.Observer, start time.Time) { h.Observe(time.Since(start).Seconds()) }

// Handler serves the metrics in the Prometheus text format.
func Handler() http.Handler {
	return promhttp.HandlerFor(Registry, promhttp.HandlerOpts{Registry: Registry})
}
