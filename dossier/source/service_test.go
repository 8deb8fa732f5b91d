package source_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/dossier"
	"github.com/dvcbot/dvcbot/dossier/source"
)

// rig is the dossier service with the source over a fake province.
type rig struct {
	f      *fakeProvince
	repo   *memRepo
	guards *memGuards
	outbox *memOutbox
	cache  *dossier.CachedSource
	svc    *dossier.Service
	now    time.Time
}

func newRig(t testing.TB, extra string) *rig {
	r := &rig{f: newFakeProvince(t), repo: newMemRepo(), guards: newMemGuards(), outbox: &memOutbox{},
		now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	src := newSource(t, r.f, extra, func() time.Time { return r.now })
	r.cache = &dossier.CachedSource{Source: src, TTL: src.Config().CacheTTL, Now: func() time.Time { return r.now }}
	r.svc = &dossier.Service{Repo: r.repo, Guards: r.guards, Outbox: r.outbox, Source: r.cache, Now: func() time.Time { return r.now }}
	return r
}

func (r *rig) lookup(chat, code, digits string) (bot.DossierView, error) {
	return r.svc.Lookup(context.Background(), bot.DossierQuery{Code: code, Phone4: digits, Channel: bot.ChannelTelegram, ChatID: chat, At: r.now})
}

// Verification and lockout are the same whatever the source: right digits
// show the dossier (name masked), wrong digits and unknown codes give the
// same "not found" and count toward the lock; an unavailable source is
// honest and never counts as a failed try.
func TestLookupThroughTheSource(t *testing.T) {
	r := newRig(t, "")
	const code = "000.00.12.H57-241022-0001"
	r.f.set(code, provinceDossier(code, "Đang xử lý", "0987654321"))

	v, err := r.lookup("citizen", code, "4321")
	if err != nil {
		t.Fatal(err)
	}
	if v.StatusLabel != "Đang xử lý" || v.MaskedName != "Nguyễn T. H." || v.ProcedureName != "Đăng ký khai sinh" {
		t.Fatalf("view %+v", v)
	}
	if _, err := r.repo.Get(context.Background(), code); !errors.Is(err, bot.ErrNotFound) {
		t.Fatal("a lookup stored the source's answer; only subscriptions keep a copy")
	}
	_, errWrong := r.lookup("guesser", code, "1111")
	_, errUnknown := r.lookup("guesser", "000.00.12.H57-241022-0999", "4321")
	if !errors.Is(errWrong, bot.ErrNotFound) || !errors.Is(errUnknown, bot.ErrNotFound) {
		t.Fatalf("wrong digits %v, unknown code %v: want not found for both", errWrong, errUnknown)
	}

	// 4 wrong tries, then an outage (4 tries), then the right digits: the
	// outage did not count, so the requester is not locked out.
	for i := 0; i < dossier.MaxWrongTries-1; i++ {
		if _, err := r.lookup("chat-2", code, fmt.Sprintf("%04d", i)); !errors.Is(err, bot.ErrNotFound) {
			t.Fatalf("wrong try %d: %v", i, err)
		}
	}
	r.cache.Forget(code)
	r.f.setMode("down")
	for i := 0; i < 4; i++ {
		_, err := r.lookup("chat-2", code, "1234")
		if !errors.Is(err, bot.ErrDossierUnavailable) || errors.Is(err, bot.ErrNotFound) {
			t.Fatalf("outage: %v, want unavailable and never not found", err)
		}
	}
	r.f.setMode("")
	r.now = r.now.Add(time.Minute) // past the breaker's cooldown
	if _, err := r.lookup("chat-2", code, "4321"); err != nil {
		t.Fatalf("after the outage: %v (an unavailable source counted as a failed try?)", err)
	}
	// The fifth wrong try locks chat-2 out, as with imported dossiers.
	_, _ = r.lookup("chat-2", code, "0000")
	if _, err := r.lookup("chat-2", code, "4321"); !errors.Is(err, bot.ErrRateLimited) {
		t.Fatalf("after %d wrong tries: %v, want locked out", dossier.MaxWrongTries, err)
	}
}

// A source that gives the phone masked or as its last 4 digits still checks
// the last 4 digits, and wrong digits still lock out.
func TestLookupPhoneMaskedAndLast4(t *testing.T) {
	for _, tc := range []struct{ mode, phone string }{{"masked", "098****4321"}, {"last4", "4321"}} {
		t.Run(tc.mode, func(t *testing.T) {
			r := newRig(t, "")
			cfgText := strings.Replace(sourceFile(r.f.srv.URL, ""), "phone: whole", "phone: "+tc.mode, 1)
			const code = "H57.22-241022-0015"
			r.f.set(code, provinceDossier(code, "Đã tiếp nhận", tc.phone))
			src := newSourceText(t, r.f, cfgText)
			r.svc.Source = &dossier.CachedSource{Source: src, TTL: time.Minute, Now: func() time.Time { return r.now }}
			if v, err := r.lookup("c", code, "4321"); err != nil || v.Status != "received" {
				t.Fatalf("right digits: %v %+v", err, v)
			}
			for i := 0; i < dossier.MaxWrongTries; i++ {
				if _, err := r.lookup("c2", code, "0000"); !errors.Is(err, bot.ErrNotFound) {
					t.Fatalf("wrong digits: %v", err)
				}
			}
			if _, err := r.lookup("c2", code, "4321"); !errors.Is(err, bot.ErrRateLimited) {
				t.Fatalf("locked out: %v", err)
			}
		})
	}
}

// Answers are reused for the cache's time; "not found" too, shorter.
func TestLookupCache(t *testing.T) {
	r := newRig(t, "cache: 5m\n")
	const code = "H57.22-241022-0015"
	r.f.set(code, provinceDossier(code, "Đang xử lý", "0987654321"))
	for i := 0; i < 3; i++ {
		if _, err := r.lookup(fmt.Sprint("c", i), code, "4321"); err != nil {
			t.Fatal(err)
		}
	}
	if h := r.f.hits.Load(); h != 1 {
		t.Fatalf("3 lookups within the cache time made %d requests", h)
	}
	r.now = r.now.Add(5*time.Minute + time.Second)
	r.f.setStatus(code, "Đã có kết quả")
	v, err := r.lookup("c9", code, "4321")
	if err != nil || v.Status != "completed" || r.f.hits.Load() != 2 {
		t.Fatalf("after the cache time: %v %s, %d requests", err, v.Status, r.f.hits.Load())
	}
}

func newSourceText(t testing.TB, f *fakeProvince, text string) dossier.Source {
	t.Helper()
	cfg, err := source.Parse([]byte(text), testEnv)
	if err != nil {
		t.Fatal(err)
	}
	return source.New(cfg, source.Options{Client: f.srv.Client()})
}

// subscribe verifies and subscribes chat to code.
func (r *rig) subscribe(t *testing.T, chat, code string) {
	t.Helper()
	if _, err := r.lookup(chat, code, "4321"); err != nil {
		t.Fatal(err)
	}
	if err := r.svc.Subscribe(context.Background(), code, bot.ChannelTelegram, chat); err != nil {
		t.Fatal(err)
	}
}

// A status change at the source reaches each subscriber through the outbox
// exactly once, whether a lookup or the re-check sees it first; an outage
// during a round changes nothing and the next round catches up.
func TestRecheckNotifiesOnceAndSurvivesAnOutage(t *testing.T) {
	r := newRig(t, "")
	codes := []string{"H57.22-241022-0001", "H57.22-241022-0002", "H57.22-241022-0003"}
	for _, c := range codes {
		r.f.set(c, provinceDossier(c, "Đã tiếp nhận", "0987654321"))
	}
	r.subscribe(t, "a", codes[0])
	r.subscribe(t, "b", codes[0])
	r.subscribe(t, "a", codes[1])
	r.subscribe(t, "c", codes[2])
	clock := &fakeClock{t: r.now}
	rc := &dossier.Rechecker{Service: r.svc, Source: r.cache.Fresh(), List: r.repo, Rate: 100, Clock: clock}
	ctx := context.Background()

	st, err := rc.Round(ctx)
	if err != nil || st.Checked != 3 || st.Changed != 0 || r.outbox.len() != 0 {
		t.Fatalf("quiet round: %+v %v, %d notifications", st, err, r.outbox.len())
	}
	r.f.setStatus(codes[0], "Đang xử lý")
	st, _ = rc.Round(ctx)
	if st.Changed != 1 || r.outbox.len() != 2 {
		t.Fatalf("change round: %+v, %d notifications, want 2 (two subscribers)", st, r.outbox.len())
	}
	for i := 0; i < 3; i++ {
		_, _ = rc.Round(ctx)
	}
	if r.outbox.len() != 2 {
		t.Fatalf("%d notifications after more rounds, want still 2", r.outbox.len())
	}
	n := r.outbox.by[r.outbox.ids[0]]
	if !strings.Contains(n.Text, "Đang xử lý") || n.Channel != bot.ChannelTelegram {
		t.Fatalf("notification %+v", n)
	}

	// A citizen's lookup sees the next change first; the re-check then finds
	// nothing new to notify.
	r.f.setStatus(codes[1], "Chờ bổ sung")
	r.now = r.now.Add(10 * time.Minute) // past the cache
	if v, err := r.lookup("a", codes[1], "4321"); err != nil || v.Status != "supplement_required" {
		t.Fatalf("lookup: %v %+v", err, v)
	}
	if r.outbox.len() != 3 {
		t.Fatalf("%d notifications after the lookup saw a change, want 3", r.outbox.len())
	}
	_, _ = rc.Round(ctx)
	if r.outbox.len() != 3 {
		t.Fatalf("%d notifications after the re-check, want still 3", r.outbox.len())
	}

	// An outage during a round: nothing changes, nothing is notified.
	r.f.setStatus(codes[2], "Đã có kết quả")
	r.f.setMode("down")
	st, err = rc.Round(ctx)
	if err != nil || st.Unavailable == 0 || st.Changed != 0 {
		t.Fatalf("outage round: %+v %v", st, err)
	}
	if r.outbox.len() != 3 {
		t.Fatalf("%d notifications during an outage, want still 3", r.outbox.len())
	}
	for _, c := range codes {
		d, err := r.repo.Get(ctx, c)
		if err != nil || d.Origin != dossier.OriginSource {
			t.Fatalf("copy of %s after the outage: %v %+v", c, err, d)
		}
	}
	// Back up: the next round notifies the change once.
	r.f.setMode("")
	clock.Advance(time.Minute)
	r.now = r.now.Add(time.Minute) // the breaker's cooldown
	st, err = rc.Round(ctx)
	if err != nil || st.Changed != 1 || r.outbox.len() != 4 {
		t.Fatalf("round after the outage: %+v %v, %d notifications, want 4", st, err, r.outbox.len())
	}
	_, _ = rc.Round(ctx)
	if r.outbox.len() != 4 {
		t.Fatalf("%d notifications, want 4", r.outbox.len())
	}
}

// An outage that starts in the middle of a round: the round stops early,
// what was answered before it is kept, nothing is notified for the rest, and
// the next round starts where this one stopped.
func TestRecheckOutageMidRound(t *testing.T) {
	r := newRig(t, "breaker: {failures: 3, cooldown: 10s}\n")
	var codes []string
	for i := 1; i <= 20; i++ {
		c := fmt.Sprintf("H57.22-241022-%04d", i)
		codes = append(codes, c)
		r.f.set(c, provinceDossier(c, "Đã tiếp nhận", "0987654321"))
		r.subscribe(t, "chat-"+c, c)
	}
	for _, c := range codes {
		r.f.setStatus(c, "Đang xử lý")
	}
	var mu sync.Mutex
	asked := 0
	r.f.mu.Lock()
	r.f.onHit = func(string) {
		mu.Lock()
		defer mu.Unlock()
		asked++
		if asked == 8 { // the province goes down while answering the 8th
			go r.f.setMode("down")
			time.Sleep(20 * time.Millisecond)
		}
	}
	r.f.mu.Unlock()
	rc := &dossier.Rechecker{Service: r.svc, Source: r.cache.Fresh(), List: r.repo, Rate: 1000, Clock: &fakeClock{t: r.now}}
	st, err := rc.Round(context.Background())
	if err != nil || !st.Stopped || st.Changed < 6 || st.Changed > 8 || st.Checked+st.Unavailable >= 20 {
		t.Fatalf("round with an outage: %+v %v", st, err)
	}
	notified := r.outbox.len()
	if notified != st.Changed {
		t.Fatalf("%d notifications for %d changes", notified, st.Changed)
	}
	r.f.mu.Lock()
	r.f.onHit = nil
	r.f.mu.Unlock()
	r.f.setMode("")
	r.now = r.now.Add(time.Minute)
	st2, err := rc.Round(context.Background())
	if err != nil || st2.Changed != 20-st.Changed || r.outbox.len() != 20 {
		t.Fatalf("next round: %+v %v, %d notifications, want 20", st2, err, r.outbox.len())
	}
}

// 10,000 subscribed codes are re-checked at the configured rate at most:
// the fake province counts requests per second of the (virtual) clock the
// re-check paces itself with.
func TestRecheckRateFor10000Codes(t *testing.T) {
	const n, rate = 10000, 50.0
	r := newRig(t, "")
	clock := &fakeClock{t: r.now}
	for i := 0; i < n; i++ {
		c := fmt.Sprintf("H57.22-241022-%05d", i)
		r.f.dossiers[c] = provinceDossier(c, "Đang xử lý", "0987654321")
		r.repo.m[c] = dossier.Dossier{Code: c, Status: "processing", Origin: dossier.OriginSource, ApplicantPhone: "0987654321",
			Subscribers: []dossier.Subscriber{{Channel: bot.ChannelTelegram, ChatID: fmt.Sprint(i)}}}
	}
	var mu sync.Mutex
	var at []time.Duration
	start := clock.Now()
	r.f.onHit = func(string) {
		mu.Lock()
		at = append(at, clock.Now().Sub(start))
		mu.Unlock()
	}
	rc := &dossier.Rechecker{Service: r.svc, Source: r.cache.Fresh(), List: r.repo, Rate: rate, Clock: clock}
	wall := time.Now()
	st, err := rc.Round(context.Background())
	if err != nil || st.Checked != n {
		t.Fatalf("round: %+v %v", st, err)
	}
	if len(at) != n {
		t.Fatalf("%d requests, want %d", len(at), n)
	}
	sort.Slice(at, func(i, j int) bool { return at[i] < at[j] })
	// In every window of one second, at most rate requests (+1 for the burst).
	maxIn := 0
	j := 0
	for i := range at {
		for at[i]-at[j] >= time.Second {
			j++
		}
		maxIn = max(maxIn, i-j+1)
	}
	span := at[len(at)-1] - at[0]
	t.Logf("%d codes at %.0f/s: %v of virtual time (wall %v), at most %d requests in any 1 s window", n, rate, span, time.Since(wall).Round(time.Millisecond), maxIn)
	if float64(maxIn) > rate+1 {
		t.Fatalf("%d requests in one second, configured rate %.0f/s", maxIn, rate)
	}
	if want := time.Duration(float64(n-1) / rate * float64(time.Second)); span < want-time.Millisecond {
		t.Fatalf("the round took %v of virtual time, want at least %v at %.0f/s", span, want, rate)
	}
}

// latencies measures lookups through the service; through=true asks the
// source (no cache), false answers from the store.
func latencies(t testing.TB, n int, through bool) []time.Duration {
	r := newRig(t, "cache: 0s\n")
	const code = "H57.22-241022-0015"
	r.f.set(code, provinceDossier(code, "Đang xử lý", "0987654321"))
	if !through {
		d := dossier.Dossier{Code: code, Status: "processing", ApplicantPhone: "0987654321", ApplicantName: "Nguyễn Thị Hoa"}
		r.repo.m[code] = d
	}
	out := make([]time.Duration, n)
	for i := 0; i < n; i++ {
		start := time.Now()
		// A fresh chat each time, so the lookup budget never interferes.
		if _, err := r.svc.Lookup(context.Background(), bot.DossierQuery{Code: code, Phone4: "4321", Channel: bot.ChannelTelegram, ChatID: fmt.Sprint(i), At: r.now}); err != nil {
			t.Fatal(err)
		}
		out[i] = time.Since(start)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func pct(d []time.Duration, p float64) time.Duration { return d[int(float64(len(d)-1)*p)] }

// The source adds at most 50 ms at p99 to a lookup over the fake province
// (loopback HTTP; the province's own time is not ours to measure).
func TestLookupThroughSourceAddedLatency(t *testing.T) {
	if os.Getenv("DVCBOT_RACE") != "" || testing.Short() {
		t.Skip("timing test")
	}
	const n = 2000
	local := latencies(t, n, false)
	through := latencies(t, n, true)
	added := pct(through, .99) - pct(local, .99)
	t.Logf("lookup p50/p99: store %v/%v, through the source %v/%v; added at p99 %v", pct(local, .5), pct(local, .99), pct(through, .5), pct(through, .99), added)
	if added > 50*time.Millisecond {
		t.Fatalf("the source adds %v at p99, want ≤ 50ms", added)
	}
}

// go test ./dossier/source -bench LookupThroughSource -run X
func BenchmarkLookupThroughSource(b *testing.B) {
	for _, through := range []bool{false, true} {
		name := "store"
		if through {
			name = "source"
		}
		b.Run(name, func(b *testing.B) {
			ds := latencies(b, b.N, through)
			b.ReportMetric(float64(pct(ds, .5).Microseconds()), "p50-µs")
			b.ReportMetric(float64(pct(ds, .99).Microseconds()), "p99-µs")
		})
	}
}

// Retrying while the province's system is down (breaker open) does not use up
// the chat's lookups: after the outage the citizen can still look up.
func TestOutageDoesNotSpendTheLookupBudget(t *testing.T) {
	r := newRig(t, "breaker: {failures: 2, cooldown: 30s}\n")
	const code = "H57.22-241022-0015"
	r.f.set(code, provinceDossier(code, "Đang xử lý", "0987654321"))
	r.f.setMode("down")
	for i := 0; i < 3*dossier.MaxLookupsPerHour; i++ {
		if _, err := r.lookup("citizen", code, "4321"); !errors.Is(err, bot.ErrDossierUnavailable) {
			t.Fatalf("try %d during the outage: %v", i+1, err)
		}
	}
	if h := r.f.hits.Load(); h != 2 {
		t.Fatalf("%d requests reached the province, want 2 (then the breaker opened)", h)
	}
	r.f.setMode("")
	r.now = r.now.Add(31 * time.Second)
	if v, err := r.lookup("citizen", code, "4321"); err != nil || v.Status != "processing" {
		t.Fatalf("after the outage: %v %+v (the outage used up the lookup budget?)", err, v)
	}
	// A fresh cached answer is still served while the breaker is open.
	r.f.setMode("down")
	r.cache.Forget("H57.22-241022-0016")
	for i := 0; i < 2; i++ {
		_, _ = r.lookup("other", "H57.22-241022-0016", "4321")
	}
	if v, err := r.lookup("citizen-2", code, "4321"); err != nil || v.Status != "processing" {
		t.Fatalf("cached answer while the breaker is open: %v", err)
	}
}
