package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/dvcbot/dvcbot/internal/app"
	"github.com/dvcbot/dvcbot/internal/browsertest"
	"github.com/dvcbot/dvcbot/internal/config"
)

const adminToken = "test-admin-token-0123456789"

// lockedBuffer keeps the service's log for a failure message.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) tail(n int) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.buf.String()
	if len(s) > n {
		s = s[len(s)-n:]
	}
	return s
}

// startService runs the whole service (embedded store, bundled knowledge
// base) on a loopback port, as internal/app's tests do.
func startService(t *testing.T, cfg config.Config) (string, *lockedBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs := &lockedBuffer{}
	a, err := app.New(ctx, cfg, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo})))
	if err != nil {
		cancel()
		t.Fatalf("new app: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Errorf("shutdown took more than 15s; the service logged:\n%s", logs.tail(4000))
		}
	})
	return "http://" + ln.Addr().String(), logs
}

// call makes one API request and decodes its JSON answer.
func call(t *testing.T, method, url, token string, body any) (int, map[string]any) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	var out map[string]any
	raw, _ := io.ReadAll(res.Body)
	_ = json.Unmarshal(raw, &out)
	return res.StatusCode, out
}

// TestHandoffConsoleWithCitizenInBrowser opens the citizen web chat and the
// officers' console side by side in headless Chromium: the citizen asks for
// an officer; the officer sees the request in the queue, claims it, hands it
// to a colleague and is refused a second claim (409, shown in the console),
// gets it back, inserts a knowledge-base section into a reply and sends it
// with Ctrl+Enter; the reply appears in the chat without a reload (and is
// still there after one); the citizen answers and the officer sees it in the
// transcript; the officer closes, and the citizen rates with a button.
func TestHandoffConsoleWithCitizenInBrowser(t *testing.T) {
	citizen := browsertest.Start(t, browsertest.Options{Width: 1200, Height: 900, SideBySide: true})
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Addr = "127.0.0.1:0"
	cfg.AdminToken = adminToken
	cfg.OfficeHours = "T2-T7 00:00-23:59; CN 00:00-23:59" // officers on duty whenever the test runs
	// The abuse limits stay at their defaults: the chat's polling must fit them.
	base, logs := startService(t, cfg)

	start := time.Now()
	step := func(what string, err error) {
		t.Helper()
		t.Logf("%5.1fs %s", time.Since(start).Seconds(), what)
		if err != nil {
			shot := filepath.Join(os.TempDir(), "dvcbot-handoff-failure.png")
			if png, e := chromedp.Run(citizen, chromedp.FullScreenshot(100)); e == nil {
				_ = os.WriteFile(shot, png, 0o644)
			}
			t.Fatalf("browser: %s: %v\nservice log:\n%s", what, err, logs.tail(3000))
		}
	}
	// waitFor polls a JavaScript condition in a page (no fixed sleeps).
	waitFor := func(ctx context.Context, what, cond string, timeout time.Duration) {
		t.Helper()
		_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](cond,
			chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(timeout)))
		step("wait until "+what, err)
	}
	newAgent := func(name string) (id, token string) {
		code, st := call(t, "POST", base+"/api/admin/staff", adminToken, map[string]any{"name": name, "roles": []string{"agent"}})
		if code != http.StatusOK && code != http.StatusCreated {
			t.Fatalf("create agent: %d %v", code, st)
		}
		id, _ = st["id"].(string)
		token, _ = st["token"].(string)
		if id == "" || token == "" {
			t.Fatalf("create agent: %v", st)
		}
		return id, token
	}
	maiID, maiToken := newAgent("Nguyễn Thị Mai")
	binhID, binhToken := newAgent("Trần Văn Bình")

	// The citizen asks for an officer.
	step("citizen asks for an officer", chromedp.Do(citizen,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(`#input`),
		chromedp.SendKeys(`#input`, "gặp cán bộ"),
		chromedp.Click(`#send`),
		chromedp.WaitVisible(`.msg.bot[data-intent="handoff"]`),
	))
	session, err := chromedp.Run(citizen, chromedp.Evaluate[string](`localStorage.getItem('dvcbot_session')`))
	step("session id", err)
	chat := "web:" + session
	state, err := chromedp.Run(citizen, chromedp.Evaluate[string](`document.documentElement.dataset.handoff`))
	step("handoff state", err)
	if state != "handoff" {
		t.Errorf("chat state after the request = %q, want handoff", state)
	}

	// The officer signs in and lands on the queue.
	officer, cancel := chromedp.NewContext(citizen)
	defer cancel()
	item := `#handoff-queue li.handoff-item[data-chat="` + chat + `"]`
	step("officer signs in and sees the request", chromedp.Do(officer,
		browsertest.SignIn(base, maiToken),
		chromedp.WaitVisible(`#handoff-queue`),
		chromedp.WaitVisible(item),
		chromedp.Evaluate[chromedp.Void](`window.confirm = () => true; undefined`),
		chromedp.Click(item+` button.handoff-open`),
		chromedp.WaitVisible(`#handoff-conv[data-status="waiting"] #handoff-transcript li[data-from="citizen"]`),
	))
	convID, err := chromedp.Run(officer, chromedp.Evaluate[string](`document.getElementById('handoff-conv').dataset.id`))
	step("conversation id", err)

	// Claim; hand it to a colleague; a second claim is refused with a clear message.
	step("claim", chromedp.Do(officer,
		chromedp.Click(`#handoff-claim`),
		chromedp.WaitVisible(`#handoff-conv[data-status="active"]`),
	))
	waitFor(officer, "the reply box opens", `!document.getElementById('handoff-reply').disabled`, 10*time.Second)
	step("transfer to a colleague", chromedp.Do(officer,
		chromedp.SetValue(`#handoff-transfer-to`, "to:"+binhID),
		chromedp.Click(`#handoff-transfer`),
		chromedp.WaitVisible(`#handoff-conv-holder.is-other`),
		chromedp.WaitVisible(`#handoff-claim`),
		chromedp.Click(`#handoff-claim`),
		chromedp.WaitVisible(`#handoff-conv-error`),
	))
	refused, err := chromedp.Run(officer, chromedp.Text(`#handoff-conv-error`))
	step("409 message", err)
	if !strings.Contains(refused, "Cán bộ khác đang xử lý") {
		t.Errorf("a claim of a conversation another officer holds says %q", refused)
	}
	if code, _ := call(t, "POST", base+"/api/admin/conversations/"+convID+"/transfer", binhToken, map[string]any{"to": maiID}); code != http.StatusOK {
		t.Fatalf("the colleague hands it back: %d", code)
	}
	waitFor(officer, "the console shows the conversation is the officer's again (live)",
		`document.getElementById('handoff-conv-holder').textContent.includes('Bạn đang xử lý') && !document.getElementById('handoff-reply').disabled && document.getElementById('handoff-conv-error').hidden`, 15*time.Second)

	// A reply with a knowledge-base section, sent with Ctrl+Enter.
	step("insert the fees of a procedure", chromedp.Do(officer,
		chromedp.Click(`#handoff-kb summary`),
		chromedp.SendKeys(`#handoff-kb-q`, "làm lại căn cước"),
	))
	waitFor(officer, "the procedure search answers", `document.querySelector('#handoff-kb-proc option[value="cap-doi-cap-lai-the-can-cuoc"]') !== null`, 10*time.Second)
	step("pick the fees and write around them", chromedp.Do(officer,
		chromedp.SetValue(`#handoff-kb-proc`, "cap-doi-cap-lai-the-can-cuoc"),
		chromedp.SetValue(`#handoff-kb-section`, "fees"),
		chromedp.Click(`#handoff-reply`),
		chromedp.SendKeys(`#handoff-reply`, "Chào bạn, tôi là cán bộ Mai."),
		chromedp.Click(`#handoff-kb-insert`),
	))
	waitFor(officer, "the section is in the reply box", `document.getElementById('handoff-reply').value.includes('Lệ phí')`, 10*time.Second)
	draft, err := chromedp.Run(officer, chromedp.Value(`#handoff-reply`))
	step("draft", err)
	if !strings.HasPrefix(draft, "Chào bạn, tôi là cán bộ Mai.\n\nLệ phí: ") {
		t.Errorf("reply box after inserting the fees: %q", draft)
	}
	step("send with Ctrl+Enter", chromedp.Do(officer,
		chromedp.Focus(`#handoff-reply`),
		chromedp.KeyEvent("\r", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.WaitVisible(`#handoff-transcript li[data-from="staff"]`),
	))
	if v, _ := chromedp.Run(officer, chromedp.Value(`#handoff-reply`)); v != "" {
		t.Errorf("the reply box keeps %q after sending", v)
	}

	// The reply reaches the open chat page by itself.
	waitFor(citizen, "the officer's reply appears in the chat", `document.querySelector('#log .msg[data-from="staff"]') !== null`, 15*time.Second)
	staff, err := chromedp.Run(citizen, chromedp.Text(`#log .msg[data-from="staff"]`))
	step("read the officer's reply", err)
	if !strings.Contains(staff, "Cán bộ Nguyễn Thị Mai") || !strings.Contains(staff, "Chào bạn, tôi là cán bộ Mai.") || !strings.Contains(staff, "Lệ phí") || strings.Contains(staff, "👤") {
		t.Errorf("officer's bubble: %q", staff)
	}
	step("reload keeps the reply and the handoff", chromedp.Do(citizen,
		chromedp.Reload(),
		chromedp.WaitVisible(`#log .msg.staff[data-from="staff"]`),
	))
	state, err = chromedp.Run(citizen, chromedp.Evaluate[string](`document.documentElement.dataset.handoff`))
	step("handoff state after reload", err)
	if state != "handoff" {
		t.Errorf("chat state after a reload = %q, want handoff", state)
	}

	browsertest.Audit(t, citizen, "chat with an officer's reply")
	step("high contrast", chromedp.Do(citizen, chromedp.Click(`#contrast`), chromedp.WaitVisible(`html.hc .msg.staff`)))
	browsertest.Audit(t, citizen, "chat with an officer's reply, high contrast")
	step("normal contrast", chromedp.Do(citizen, chromedp.Click(`#contrast`), chromedp.WaitNotPresent(`html.hc`)))
	browsertest.Audit(t, officer, "officers' console")

	// The citizen answers: the bot stays silent and the officer reads it.
	step("citizen answers", chromedp.Do(citizen,
		chromedp.SendKeys(`#input`, "Vâng, tôi cảm ơn cán bộ"),
		chromedp.Click(`#send`),
		chromedp.WaitVisible(`#log .msg.user .delivered`),
	))
	if n, _ := chromedp.Run(citizen, chromedp.Evaluate[int](`document.querySelectorAll('#log .msg.error').length`)); n != 0 {
		t.Errorf("the chat shows %d error(s) for a message the officer answers", n)
	}
	waitFor(officer, "the citizen's answer is in the transcript",
		`[...document.querySelectorAll('#handoff-transcript li[data-from="citizen"]')].some(li => li.textContent.includes('Vâng, tôi cảm ơn cán bộ'))`, 15*time.Second)

	// The officer closes; the citizen is asked for a rating and rates.
	step("officer closes", chromedp.Do(officer,
		chromedp.Click(`#handoff-close`),
		chromedp.WaitVisible(`#handoff-conv[data-status="closed"]`),
	))
	rate := `#log .msg.bot button.chip[data-action="rate:5"]`
	waitFor(citizen, "the rating question with its buttons", `document.querySelector('`+rate+`') !== null`, 15*time.Second)
	step("citizen rates 5", chromedp.Do(citizen, chromedp.Click(rate)))
	waitFor(citizen, "the thanks", `[...document.querySelectorAll('#log .msg.bot')].some(m => m.textContent.includes('Cảm ơn bạn đã đánh giá'))`, 15*time.Second)
	state, _ = chromedp.Run(citizen, chromedp.Evaluate[string](`document.documentElement.dataset.handoff`))
	if state != "" {
		t.Errorf("chat state after the rating = %q, want none", state)
	}
	code, conv := call(t, "GET", base+"/api/admin/conversations/"+convID, maiToken, nil)
	if code != http.StatusOK || conv["status"] != "closed" || fmt.Sprint(conv["rating"]) != "5" {
		t.Errorf("conversation after the rating: %d status=%v rating=%v", code, conv["status"], conv["rating"])
	}
	waitFor(officer, "the console shows the rating", `document.getElementById('handoff-conv-info').textContent.includes('đánh giá 5/5')`, 15*time.Second)
	png, err := chromedp.Run(officer, chromedp.FullScreenshot(100))
	if err == nil {
		_ = os.WriteFile(filepath.Join(os.TempDir(), "dvcbot-handoff-console.png"), png, 0o644)
	}
	if png, err := chromedp.Run(citizen, chromedp.FullScreenshot(100)); err == nil {
		_ = os.WriteFile(filepath.Join(os.TempDir(), "dvcbot-handoff-chat.png"), png, 0o644)
	}
}
