package obs

import (
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
)

// Handoff metrics: requests for an officer, what officers do, how long
// citizens wait, how they rate it, and how many wait now.
var (
	HandoffRequests = counter("handoff_requests_total", "Citizens' requests for an officer, by whether they came outside office hours.", "after_hours")
	HandoffActions  = counter("handoff_actions_total", "Handoff conversation events: claim, reply, transfer, close, leave (by the citizen), rating.", "action")
	HandoffWait     = histogram0("handoff_wait_seconds", "Time from a citizen's request to an officer's claim.",
		[]float64{10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400, 43200, 86400, 259200})
	HandoffRatings = counter("handoff_ratings_total", "Citizens' 1–5 ratings of closed handoff conversations.", "rating")
)

// handoffWaiting reports the number of conversations waiting for an officer;
// the service sets it at wiring time (SetHandoffWaiting).
var handoffWaiting atomic.Pointer[func() float64]

// SetHandoffWaiting installs the function the queue-depth gauge reads when
// scraped (the last one installed wins; one service per process).
func SetHandoffWaiting(f func() float64) { handoffWaiting.Store(&f) }

func init() {
	Registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: "dvcbot", Name: "handoff_waiting",
		Help: "Conversations waiting for an officer (the queue depth) when scraped."}, func() float64 {
		if f := handoffWaiting.Load(); f != nil {
			return (*f)()
		}
		return 0
	}))
}

// outboxLag reports, per channel, how long the oldest undelivered notification
// has waited; installed at wiring time (SetOutboxLag).
var outboxLag atomic.Pointer[func() map[string]float64]

// SetOutboxLag installs the function the outbox-lag gauge reads when scraped.
func SetOutboxLag(f func() map[string]float64) { outboxLag.Store(&f) }

// lagCollector exports dvcbot_outbox_oldest_pending_seconds{channel}.
type lagCollector struct{ desc *prometheus.Desc }

func (c lagCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c lagCollector) Collect(ch chan<- prometheus.Metric) {
	f := outboxLag.Load()
	if f == nil {
		return
	}
	for channel, secs := range (*f)() {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, secs, channel)
	}
}

func init() {
	Registry.MustRegister(lagCollector{prometheus.NewDesc("dvcbot_outbox_oldest_pending_seconds",
		"Age of the oldest notification (dossier news, officers' replies) not yet delivered, by channel.", []string{"channel"}, nil)})
}
