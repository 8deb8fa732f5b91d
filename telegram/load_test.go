package telegram_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/internal/searchtest"
)

// loadTexts each get exactly one reply message.
var loadTexts = []string{
	"/start",
	"làm lại căn cước cần giấy tờ gì",
	"mất bao lâu?",
	"lệ phí cấp hộ chiếu bao nhiêu tiền",
	"đăng ký khai sinh ở đâu",
	"cảm ơn",
	"đổi bằng lái xe online",
	"/help",
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// TestLoad pushes updates through the HTTP webhook into the real engine and the
// embedded store and measures update in → sendMessage recorded by the fake Bot
// API. Chats write like people do: the next message after the previous answer,
// with DVCBOT_LOAD_CHATS chats at once, until DVCBOT_LOAD_N updates are
// answered (DVCBOT_LOAD_RATE paces them; DVCBOT_LOAD_SESSIONS=memory keeps
// sessions in memory to measure the channel alone). One update in ten is delivered twice (as Telegram does after a slow
// answer). Run with: DVCBOT_LOAD=1 go test ./telegram/ -run TestLoad -v
func TestLoad(t *testing.T) {
	if os.Getenv("DVCBOT_LOAD") == "" {
		t.Skip("load test: set DVCBOT_LOAD=1 (DVCBOT_LOAD_N, DVCBOT_LOAD_CHATS to size it)")
	}
	n, chats := envInt("DVCBOT_LOAD_N", 3000), envInt("DVCBOT_LOAD_CHATS", 200)
	perChat := (n + chats - 1) / chats
	n = perChat * chats
	r := newRig(t, nil)
	sessions := "store"
	if os.Getenv("DVCBOT_LOAD_SESSIONS") == "memory" {
		// Isolates the channel (claims, queues, rendering, HTTP) from the session
		// store's cost on the embedded server.
		sessions = "memory"
		ix := searchtest.Index(t)
		eng, err := bot.New(bot.Config{Searcher: ix, Procedures: ix, Sessions: &memSessions{m: map[string]bot.Session{}}})
		if err != nil {
			t.Fatal(err)
		}
		r.engine.inner = eng
	}

	// replies[c] receives the time each sendMessage to chat c was recorded.
	replies := make(map[int64]chan time.Time, chats)
	for c := range chats {
		replies[int64(100000+c)] = make(chan time.Time, perChat*2)
	}
	r.api.mu.Lock()
	r.api.notify = func(c call) {
		if c.Method != "sendMessage" {
			return
		}
		id, _ := strconv.ParseInt(c.Params.Get("chat_id"), 10, 64)
		if ch, ok := replies[id]; ok {
			ch <- c.At
		}
	}
	r.api.mu.Unlock()

	var (
		mu        sync.Mutex
		latencies []time.Duration
		deferred  atomic.Int64 // 503 answers (retried)
		dups      atomic.Int64
		nextID    atomic.Int64
		wg        sync.WaitGroup
	)
	nextID.Store(1_000_000)
	// DVCBOT_LOAD_RATE paces all chats together to that many updates per second
	// (open throttle when unset: as fast as answers come back).
	var pace <-chan time.Time
	if rate := envInt("DVCBOT_LOAD_RATE", 0); rate > 0 {
		tick := time.NewTicker(time.Second / time.Duration(rate))
		defer tick.Stop()
		pace = tick.C
	}
	start := time.Now()
	for c := range chats {
		wg.Add(1)
		go func() {
			defer wg.Done()
			chat := int64(100000 + c)
			for i := range perChat {
				if pace != nil {
					<-pace
				}
				body := textUpdate(nextID.Add(1), chat, loadTexts[(c+i)%len(loadTexts)])
				sent := time.Now()
				for {
					status, _ := r.post(t, body)
					if status == 200 {
						break
					}
					if status != 503 {
						t.Errorf("status %d", status)
						return
					}
					deferred.Add(1)
					time.Sleep(10 * time.Millisecond)
				}
				if rand.IntN(10) == 0 {
					dups.Add(1)
					if status, _ := r.post(t, body); status != 200 {
						t.Errorf("redelivery: status %d", status)
					}
				}
				select {
				case at := <-replies[chat]:
					mu.Lock()
					latencies = append(latencies, at.Sub(sent))
					mu.Unlock()
				case <-time.After(30 * time.Second):
					t.Errorf("chat %d: no reply to message %d", chat, i)
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	r.close(t)

	total := len(r.api.callsOf("sendMessage"))
	slices.Sort(latencies)
	pct := func(p float64) time.Duration {
		if len(latencies) == 0 {
			return 0
		}
		return latencies[min(len(latencies)-1, int(p*float64(len(latencies))))]
	}
	summary := fmt.Sprintf("load (sessions in %s): %d updates (+%d redelivered, %d deferred by 503) from %d chats in %v: %.0f updates/s; latency p50 %v p90 %v p99 %v max %v; replies %d",
		sessions, n, dups.Load(), deferred.Load(), chats, elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds(),
		pct(0.50).Round(time.Microsecond), pct(0.90).Round(time.Microsecond), pct(0.99).Round(time.Microsecond), pct(1).Round(time.Microsecond), total)
	t.Log(summary)
	fmt.Println(summary)
	if total != n {
		t.Fatalf("%d replies for %d updates: lost or answered twice", total, n)
	}
	for chat, ch := range replies {
		if len(ch) != 0 {
			t.Fatalf("chat %d got extra replies", chat)
		}
	}
}

// memSessions is an in-memory bot.SessionStore with the same compare-and-set
// contract as the store's.
type memSessions struct {
	mu sync.Mutex
	m  map[string]bot.Session
}

func (s *memSessions) LoadSession(_ context.Context, key string) (bot.Session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[key], nil
}

func (s *memSessions) SaveSession(_ context.Context, sess *bot.Session) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m[sess.Key].Version != sess.Version {
		return bot.ErrConflict
	}
	sess.Version++
	s.m[sess.Key] = *sess
	return nil
}
