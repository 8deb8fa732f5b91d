package app

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/dvcbot/dvcbot/bot"
)

// chatFrom posts a chat turn as the client at ip (loopback is a trusted proxy
// by default, so X-Forwarded-For names the client).
func chatFrom(t *testing.T, base, ip, session, text string) string {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"session_id": session, "text": text})
	req, _ := http.NewRequest("POST", base+"/api/chat", strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", ip)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	if resp.StatusCode != 200 {
		t.Fatalf("chat %q = %d %v", text, resp.StatusCode, out)
	}
	return replyText(out)
}

// An attacker's wrong digits lock the attacker out of the code, not the
// citizen; rotating session ids from one address does not help the attacker;
// the phone digits never reach the stored session.
func TestLookupLockoutProtectsTheCitizen(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := testConfig(t, t.TempDir())
	cfg.AdminToken = adminToken
	a, err := New(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln) }()
	defer func() { cancel(); <-done }()
	base := "http://" + ln.Addr().String()
	c := client{t: t, base: base}
	if code, out := c.do("POST", "/api/admin/dossiers", adminToken, "application/json",
		[]byte(`[{"code":"H57.22-241022-0015","applicant_name":"Trần Văn An","applicant_phone":"0987654321","status":"processing"}]`)); code != 200 {
		t.Fatalf("import = %d %v", code, out)
	}
	const code = "H57.22-241022-0015"
	const attacker, citizen = "198.51.100.66", "203.0.113.5"
	for i := 0; i < 5; i++ {
		chatFrom(t, base, attacker, "atk-1", code)
		chatFrom(t, base, attacker, "atk-1", fmt.Sprintf("%04d", i))
	}
	if r := chatFrom(t, base, attacker, "atk-1", code+" 4321"); !strings.Contains(r, "tạm khóa") {
		t.Fatalf("attacker's chat not locked out: %s", r)
	}
	if r := chatFrom(t, base, attacker, "atk-2", code+" 4321"); !strings.Contains(r, "tạm khóa") {
		t.Fatalf("a new session from the attacker's address is not locked out: %s", r)
	}
	chatFrom(t, base, citizen, "citizen", "cho hỏi hồ sơ "+code)
	if r := chatFrom(t, base, citizen, "citizen", "4321"); !strings.Contains(r, "Đang xử lý") || !strings.Contains(r, "Trần V. A.") {
		t.Fatalf("the citizen is locked out by the attacker: %s", r)
	}
	chatFrom(t, base, citizen, "citizen-2", code+" 4321")

	for _, chat := range []string{"citizen", "citizen-2", "atk-1"} {
		s, err := a.DB().Sessions().LoadSession(ctx, bot.SessionKey(bot.ChannelWeb, chat))
		if err != nil {
			t.Fatal(err)
		}
		var verified bool
		for _, turn := range s.History {
			if strings.Contains(turn.Text, "4321") || strings.Contains(turn.Text, "0001") {
				t.Fatalf("session %s keeps phone digits: %q", chat, turn.Text)
			}
			verified = verified || strings.Contains(turn.Text, bot.VerificationText)
		}
		if !verified {
			t.Fatalf("session %s does not say a verification happened: %+v", chat, s.History)
		}
	}
	_, au := c.do("GET", "/api/admin/dossiers/lookups", adminToken, "", nil)
	var lockouts int
	for _, it := range au["items"].([]any) {
		if it.(map[string]any)["outcome"] == "lockout" {
			lockouts++
		}
	}
	if lockouts != 2 { // the attacker's chat and the attacker's address
		t.Fatalf("lockout audit records = %d, want 2: %v", lockouts, au)
	}
}
