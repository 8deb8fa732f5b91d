package main

import (
	"os"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestTelegramLoad measures the Telegram path of the real binary on the
// embedded store: updates acknowledged per second by the webhook (each stored
// with its payload first) and updates answered per second end to end, at 32
// concurrent deliveries to 200 chats. Opt-in: DVCBOT_LOAD=N updates.
//
//	DVCBOT_LOAD=3000 go test ./cmd/dvcbot -run TelegramLoad -v
func TestTelegramLoad(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("DVCBOT_LOAD"))
	if n <= 0 {
		t.Skip("set DVCBOT_LOAD to the number of updates to measure")
	}
	const conc, chats = 32, 200
	api := newFakeBotAPI(t)
	p := startProc(t, map[string]string{
		"DVCBOT_DATA_DIR":               t.TempDir(),
		"TELEGRAM_BOT_TOKEN":            crashToken,
		"TELEGRAM_WEBHOOK_SECRET":       crashSecret,
		"TELEGRAM_API_ENDPOINT":         api.srv.URL + "/bot%s/%s",
		"DVCBOT_CHANNEL_LIMIT_PER_CHAT": "0",
	})
	p.waitReady(t, 60*time.Second)
	var next atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	var busy atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				id := int(next.Add(1))
				if id > n {
					return
				}
				for {
					t0 := time.Now()
					ok := deliver(p.addr, crashUpdate(id, int64(9000+id%chats)))
					if ok {
						mu.Lock()
						lat = append(lat, time.Since(t0))
						mu.Unlock()
						break
					}
					busy.Add(1) // 503: Telegram would deliver it again
					time.Sleep(50 * time.Millisecond)
				}
			}
		}()
	}
	wg.Wait()
	acked := time.Since(start)
	codes := make([]string, 0, n)
	for id := 1; id <= n; id++ {
		codes = append(codes, crashCode(id))
	}
	deadline := time.Now().Add(5 * time.Minute)
	for {
		if _, lost, _ := api.counts(codes); lost == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	answered := time.Since(start)
	p.stop(t)
	_, lost, twice := api.counts(codes)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	q := func(f float64) time.Duration { return lat[int(f*float64(len(lat)-1))].Round(time.Millisecond) }
	t.Logf("%d updates, %d connections: acknowledged in %v (%.0f/s, webhook p50 %v p99 %v, %d answered 503 and redelivered); all answered in %v (%.0f/s); %d lost, %d answered twice",
		n, conc, acked.Round(time.Millisecond), float64(n)/acked.Seconds(), q(0.5), q(0.99), busy.Load(), answered.Round(time.Millisecond), float64(n)/answered.Seconds(), lost, twice)
	if lost != 0 || twice != 0 {
		t.Fatalf("%d lost, %d answered twice", lost, twice)
	}
}
