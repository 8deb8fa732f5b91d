package app

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/internal/obs"
)

func TestMetricsOnPublicPortWithoutOpsAddr(t *testing.T) {
	c, _ := startTestApp(t)
	c.chat("m1", map[string]string{"text": "làm lại cccd cần giấy tờ gì"})
	code, body := get(t, c.base+"/metrics")
	if code != 200 {
		t.Fatalf("GET /metrics = %d", code)
	}
	for _, want := range []string{
		`dvcbot_turns_total{channel="web",intent="procedure"}`,
		"dvcbot_turn_duration_seconds_bucket",
		"dvcbot_search_duration_seconds_count",
		`dvcbot_store_op_duration_seconds_count{op="save_session"}`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

func TestOpsListener(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	opsAddr := ln.Addr().String()
	ln.Close()
	cfg := testConfig(t, t.TempDir())
	cfg.OpsAddr = opsAddr
	base, _ := startApp(t, cfg)
	if code, _ := get(t, base+"/metrics"); code != http.StatusNotFound {
		t.Fatalf("public /metrics with DVCBOT_OPS_ADDR set = %d, want 404", code)
	}
	if code, _ := get(t, base+"/debug/pprof/"); code != http.StatusNotFound {
		t.Fatalf("public pprof = %d, want 404", code)
	}
	if code, body := get(t, "http://"+opsAddr+"/metrics"); code != 200 || !strings.Contains(body, "dvcbot_") {
		t.Fatalf("ops /metrics = %d", code)
	}
	if code, _ := get(t, "http://"+opsAddr+"/debug/pprof/goroutine?debug=1"); code != 200 {
		t.Fatalf("ops pprof = %d", code)
	}
}

func TestAbuseLimits(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.ChatLimitPerIP, cfg.ChatLimitPerSession = 5, 3
	base, _ := startApp(t, cfg)
	c := client{t: t, base: base}
	for i := 0; i < 3; i++ {
		c.chat("abuse-1", map[string]string{"text": "xin chào"})
	}
	resp, err := http.Post(base+"/api/chat", "application/json", strings.NewReader(`{"session_id":"abuse-1","text":"xin chào"}`))
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" || !strings.Contains(replyText(out), "Vui lòng đợi") {
		t.Fatalf("4th turn of a session = %d Retry-After=%q %v", resp.StatusCode, resp.Header.Get("Retry-After"), out)
	}
	// A new session id from the same address: the per-IP budget (5, of which
	// 4 are spent, the refused turn included) holds.
	c.chat("abuse-2", map[string]string{"text": "xin chào"})
	resp, err = http.Post(base+"/api/chat", "application/json", strings.NewReader(`{"session_id":"abuse-3","text":"xin chào"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("rotating session ids escaped the per-IP limit: %d", resp.StatusCode)
	}
}

type echoEngine struct{ n int }

func (e *echoEngine) Handle(ctx context.Context, m bot.Message) (bot.Response, error) {
	e.n++
	return bot.Response{Intent: bot.IntentGreeting, Replies: []bot.Reply{{Text: "ok"}}}, nil
}

func TestChannelLimitPerChat(t *testing.T) {
	next := &echoEngine{}
	e := newChatLimitedEngine(next, 2)
	m := bot.Message{Channel: bot.ChannelTelegram, ChatID: "7", Text: "hi"}
	for i := 0; i < 2; i++ {
		if r, _ := e.Handle(context.Background(), m); len(r.Replies) != 1 || r.Replies[0].Text != "ok" {
			t.Fatalf("turn %d limited: %v", i+1, r)
		}
	}
	r, _ := e.Handle(context.Background(), m)
	if len(r.Replies) != 1 || !strings.Contains(r.Replies[0].Text, "Vui lòng đợi") {
		t.Fatalf("first turn over the limit: %v, want the polite message", r)
	}
	if r, _ := e.Handle(context.Background(), m); len(r.Replies) != 0 {
		t.Fatalf("second turn over the limit answered %v, want silence", r)
	}
	if next.n != 2 {
		t.Fatalf("engine handled %d turns, want 2", next.n)
	}
	other := m
	other.ChatID = "8"
	if r, _ := e.Handle(context.Background(), other); r.Replies[0].Text != "ok" {
		t.Fatal("another chat was limited")
	}
}

type countingUnanswered struct{ n int }

func (c *countingUnanswered) RecordUnanswered(context.Context, string, string, time.Time) error {
	c.n++
	return nil
}

func TestUnansweredCapPerClient(t *testing.T) {
	next := &countingUnanswered{}
	u := newCappedUnanswered(next)
	ctx := obs.WithClient(context.Background(), "ip:192.0.2.1")
	for i := 0; i < MaxUnansweredPerClient+30; i++ {
		_ = u.RecordUnanswered(ctx, "web", "câu hỏi rác", time.Now())
	}
	if next.n != MaxUnansweredPerClient {
		t.Fatalf("one client added %d questions, want the cap %d", next.n, MaxUnansweredPerClient)
	}
	_ = u.RecordUnanswered(obs.WithClient(context.Background(), "ip:192.0.2.2"), "web", "khác", time.Now())
	if next.n != MaxUnansweredPerClient+1 {
		t.Fatal("another client was capped")
	}
}
