// Command loadchat is a bounded load generator for POST /api/chat: it sends
// questions from a TSV (first column) with a fixed concurrency to a dvcbot on this
// machine and prints turns/s and latency percentiles. It refuses non-loopback
// targets.
//
//	go run ./tools/loadchat -url http://127.0.0.1:8080 -c 8 -n 5000 -questions ../shared/eval/questions.tsv
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	target := flag.String("url", "http://127.0.0.1:8080", "dvcbot base URL (loopback only)")
	conc := flag.Int("c", 8, "concurrent clients")
	n := flag.Int("n", 2000, "total requests")
	file := flag.String("questions", "", "TSV whose first column is a question (default: a built-in list)")
	turns := flag.Int("turns", 3, "questions per session before a new session starts (each client asks its sessions' turns in order, so -n 60000 -turns 3 makes 20,000 sessions)")
	prefix := flag.String("prefix", "", "session id prefix (default: one per run, so that runs make new sessions)")
	flag.Parse()
	if *prefix == "" {
		*prefix = fmt.Sprintf("load%d", time.Now().UnixNano()%1e9)
	}
	if err := run(*target, *conc, *n, *turns, *file, *prefix); err != nil {
		fmt.Fprintln(os.Stderr, "loadchat:", err)
		os.Exit(1)
	}
}

func run(target string, conc, n, turns int, file, prefix string) error {
	u, err := url.Parse(target)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(u.Hostname()); u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("refusing %s: only loopback targets", u.Hostname())
	}
	qs, err := questions(file)
	if err != nil {
		return err
	}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: conc}}
	var next, fails atomic.Int64
	lat := make([][]time.Duration, conc)
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for j := 0; ; j++ { // j: this client's turns; its sessions are its own
				i := next.Add(1) - 1
				if i >= int64(n) {
					return
				}
				body, _ := json.Marshal(map[string]string{
					"session_id": fmt.Sprintf("%s-%d-%d", prefix, w, j/max(turns, 1)),
					"text":       qs[int(i)%len(qs)],
				})
				t0 := time.Now()
				resp, err := client.Post(target+"/api/chat", "application/json", bytes.NewReader(body))
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						err = fmt.Errorf("status %d", resp.StatusCode)
					}
				}
				if err != nil {
					fails.Add(1)
					continue
				}
				lat[w] = append(lat[w], time.Since(t0))
			}
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start)
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	if len(all) == 0 {
		return fmt.Errorf("no successful request (%d failures)", fails.Load())
	}
	sort.Slice(all, func(a, b int) bool { return all[a] < all[b] })
	pct := func(p float64) time.Duration { return all[min(len(all)-1, int(float64(len(all))*p))] }
	fmt.Printf("%d turns in %v at concurrency %d: %.0f turns/s, p50 %v, p90 %v, p99 %v, max %v, failures %d\n",
		len(all), elapsed.Round(time.Millisecond), conc, float64(len(all))/elapsed.Seconds(), pct(0.5), pct(0.9), pct(0.99), all[len(all)-1], fails.Load())
	return nil
}

func questions(file string) ([]string, error) {
	if file == "" {
		return []string{"làm lại cccd cần giấy tờ gì", "mất bao lâu", "thế còn hộ chiếu?", "dang ky khai sinh o dau", "giá vàng hôm nay", "đổi bằng lái xe online"}, nil
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		q := strings.SplitN(sc.Text(), "\t", 2)[0]
		if q != "" && q != "question" {
			out = append(out, q)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s has no questions", file)
	}
	return out, sc.Err()
}
