package channeltest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dvcbot/dvcbot/bot"
)

// LoadTexts are questions citizens ask, cycled through by the load test.
var LoadTexts = []string{
	"/start",
	"làm lại căn cước cần giấy tờ gì",
	"mất bao lâu?",
	"lệ phí cấp hộ chiếu bao nhiêu tiền",
	"đăng ký khai sinh ở đâu",
	"cảm ơn",
	"đổi bằng lái xe online",
	"/help",
}

// MarkEngine numbers each chat's answers: the first reply of the n-th message
// handled for a chat starts with "[n] ", so a load test can tell which message
// a send answers, and whether one was answered twice or never.
type MarkEngine struct {
	Inner interface {
		Handle(ctx context.Context, m bot.Message) (bot.Response, error)
	}
	mu      sync.Mutex
	handled map[string][]string // chat → texts in the order handled
	took    []time.Duration     // each Handle's duration, in the order handled
}

// Handle answers m through Inner and marks the answer.
func (e *MarkEngine) Handle(ctx context.Context, m bot.Message) (bot.Response, error) {
	start := time.Now()
	resp, err := e.Inner.Handle(ctx, m)
	if err != nil {
		return resp, err
	}
	took := time.Since(start)
	e.mu.Lock()
	if e.handled == nil {
		e.handled = map[string][]string{}
	}
	e.took = append(e.took, took)
	n := len(e.handled[m.ChatID])
	e.handled[m.ChatID] = append(e.handled[m.ChatID], m.Text)
	e.mu.Unlock()
	if len(resp.Replies) == 0 {
		resp.Replies = []bot.Reply{{}}
	}
	resp.Replies[0].Text = fmt.Sprintf("[%d] %s", n, resp.Replies[0].Text)
	return resp, nil
}

// Handled returns the texts handled for chat, in order.
func (e *MarkEngine) Handled(chat string) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.handled[chat])
}

var markRe = regexp.MustCompile(`^\[(\d+)\] `)

// Marker reads the mark at the start of a sent text (-1 when none).
func Marker(text string) int {
	m := markRe.FindStringSubmatch(text)
	if m == nil {
		return -1
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// LoadSpec describes a load run through a channel's webhook.
type LoadSpec struct {
	Name    string
	Chats   int // concurrent chats
	PerChat int // messages per chat (a multiple of Burst)
	Burst   int // messages a chat sends before waiting for their answers; default 2
	Rate    int // messages per second over all chats; 0: as fast as answers come
	// Post delivers message seq of chat to the webhook and returns the status.
	Post func(chat string, seq int, text string) int
	// Sent reports, for a recorded API call, the chat and text it sends (ok
	// false for calls that are not messages with text).
	Sent   func(c Call) (chat, text string, ok bool)
	API    *API
	Engine *MarkEngine
}

// LoadResult is what a run measured.
type LoadResult struct {
	Messages, Redelivered, Deferred int
	Elapsed                         time.Duration
	PerSecond                       float64
	P50, P90, P99, Max              time.Duration
	// EngineP50 and EngineP99 are the engine's share: how long Handle took
	// (search, session load and save), without queueing and sending.
	EngineP50, EngineP99 time.Duration
	// PostP99 is how long the webhook took to answer (verify, store, queue).
	PostP99 time.Duration
	// CPU is the CPU time the whole test process used during the run: the
	// service, the embedded store, the fake API and the driver itself. On a
	// shared machine it says what a message costs when wall-clock figures
	// only say how busy the machine was.
	CPU time.Duration
}

// PerCPUSecond is how many messages one CPU-second handled (0 when CPU time
// was not measured): the rate one idle core would sustain for everything in
// the test process together.
func (r LoadResult) PerCPUSecond() float64 {
	if r.CPU <= 0 {
		return 0
	}
	return float64(r.Messages) / r.CPU.Seconds()
}

func (r LoadResult) String() string {
	return fmt.Sprintf("%d messages (+%d redelivered, %d deferred by 503) in %v: %.0f msgs/s; webhook → recorded send p50 %v p90 %v p99 %v max %v (engine p50 %v p99 %v; webhook answer p99 %v); process CPU %v (%.0f msgs per CPU-second)",
		r.Messages, r.Redelivered, r.Deferred, r.Elapsed.Round(time.Millisecond), r.PerSecond,
		r.P50.Round(time.Microsecond), r.P90.Round(time.Microsecond), r.P99.Round(time.Microsecond), r.Max.Round(time.Microsecond),
		r.EngineP50.Round(time.Microsecond), r.EngineP99.Round(time.Microsecond), r.PostP99.Round(time.Microsecond),
		r.CPU.Round(time.Millisecond), r.PerCPUSecond())
}

// EnvInt reads a positive integer from the environment.
func EnvInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// RunLoad drives the spec and fails t when a message is lost, answered twice,
// or a chat's messages were handled out of order. One message in ten is
// delivered a second time, as platforms do after a slow answer.
func RunLoad(t *testing.T, spec LoadSpec) LoadResult {
	t.Helper()
	if spec.Burst <= 0 {
		spec.Burst = 2
	}
	spec.PerChat = max(spec.Burst, spec.PerChat/spec.Burst*spec.Burst)
	chatName := func(c int) string { return fmt.Sprintf("%d", 7000000000+c) }
	marks := make(map[string]chan struct {
		n  int
		at time.Time
	}, spec.Chats)
	for c := range spec.Chats {
		marks[chatName(c)] = make(chan struct {
			n  int
			at time.Time
		}, spec.PerChat*4)
	}
	var extra atomic.Int64
	spec.API.SetNotify(func(c Call) {
		chat, text, ok := spec.Sent(c)
		if !ok {
			return
		}
		n := Marker(text)
		if n < 0 {
			return
		}
		ch, ok := marks[chat]
		if !ok {
			return
		}
		select {
		case ch <- struct {
			n  int
			at time.Time
		}{n, c.At}:
		default:
			extra.Add(1)
		}
	})
	var pace <-chan time.Time
	if spec.Rate > 0 {
		tick := time.NewTicker(time.Second / time.Duration(spec.Rate))
		defer tick.Stop()
		pace = tick.C
	}
	var (
		mu        sync.Mutex
		latencies []time.Duration
		posts     []time.Duration
		deferred  atomic.Int64
		redeliver atomic.Int64
		wg        sync.WaitGroup
		posted    = map[string][]string{}
	)
	start, cpu0 := time.Now(), processCPU()
	for c := range spec.Chats {
		wg.Add(1)
		go func() {
			defer wg.Done()
			chat := chatName(c)
			var texts []string
			for i := 0; i < spec.PerChat; i += spec.Burst {
				sentAt := make([]time.Time, spec.Burst)
				for k := range spec.Burst {
					seq := i + k
					if pace != nil {
						<-pace
					}
					text := LoadTexts[(c+seq)%len(LoadTexts)]
					texts = append(texts, text)
					sentAt[k] = time.Now()
					for {
						st := spec.Post(chat, seq, text)
						if st == 200 {
							mu.Lock()
							posts = append(posts, time.Since(sentAt[k]))
							mu.Unlock()
							break
						}
						if st != 503 {
							t.Errorf("%s: status %d", chat, st)
							return
						}
						deferred.Add(1)
						time.Sleep(10 * time.Millisecond)
					}
					if rand.IntN(10) == 0 {
						redeliver.Add(1)
						if st := spec.Post(chat, seq, text); st != 200 && st != 503 {
							t.Errorf("%s: redelivery status %d", chat, st)
						}
					}
				}
				for k := range spec.Burst {
					select {
					case got := <-marks[chat]:
						if got.n != i+k {
							t.Errorf("%s: answer %d arrived where %d was due (lost, twice or out of order)", chat, got.n, i+k)
							return
						}
						mu.Lock()
						latencies = append(latencies, got.at.Sub(sentAt[k]))
						mu.Unlock()
					case <-time.After(30 * time.Second):
						t.Errorf("%s: no answer to message %d", chat, i+k)
						return
					}
				}
			}
			mu.Lock()
			posted[chat] = texts
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed, cpu := time.Since(start), processCPU()-cpu0
	time.Sleep(200 * time.Millisecond) // late duplicates would show now
	for chat, ch := range marks {
		if len(ch) != 0 {
			t.Errorf("%s: %d answers more than messages", chat, len(ch))
		}
		if got := spec.Engine.Handled(chat); !slices.Equal(got, posted[chat]) && !t.Failed() {
			t.Errorf("%s: handled %d messages in another order or count than posted (%d)", chat, len(got), len(posted[chat]))
		}
	}
	if extra.Load() > 0 {
		t.Errorf("%d answers more than expected", extra.Load())
	}
	spec.Engine.mu.Lock()
	took := slices.Clone(spec.Engine.took)
	spec.Engine.mu.Unlock()
	n := spec.Chats * spec.PerChat
	res := LoadResult{Messages: n, Redelivered: int(redeliver.Load()), Deferred: int(deferred.Load()), Elapsed: elapsed,
		PerSecond: float64(n) / elapsed.Seconds(), P50: percentile(latencies, .5), P90: percentile(latencies, .9),
		P99: percentile(latencies, .99), Max: percentile(latencies, 1), CPU: cpu,
		EngineP50: percentile(took, .5), EngineP99: percentile(took, .99), PostP99: percentile(posts, .99)}
	t.Logf("%s load: %v", spec.Name, res)
	fmt.Printf("%s load: %v\n", spec.Name, res)
	return res
}

// percentile is the p-th fraction (0..1) of ds, which it sorts; 0 when empty.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return ds[min(len(ds)-1, int(p*float64(len(ds))))]
}
