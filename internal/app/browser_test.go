package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/dvcbot/dvcbot/internal/browsertest"
)

// TestWebChatInBrowser types a question, sees the answer, clicks a section
// button and sees that section, in real headless Chromium.
func TestWebChatInBrowser(t *testing.T) {
	ctx := browsertest.Start(t, browsertest.Options{})
	base, _ := startApp(t, testConfig(t, t.TempDir()))

	shot := filepath.Join(os.TempDir(), "dvcbot-webchat.png")
	step := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("browser: %s: %v", what, err)
		}
	}
	step("ask", chromedp.Do(ctx,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(`#input`),
		chromedp.SendKeys(`#input`, "làm lại cccd cần giấy tờ gì"),
		chromedp.Click(`#send`),
		chromedp.WaitVisible(`.msg.bot[data-procedure="cap-doi-cap-lai-the-can-cuoc"][data-section="documents"]`),
	))
	answer, err := chromedp.Run(ctx, chromedp.Text(`.msg.bot[data-section="documents"]`))
	step("read answer", err)
	step("click steps", chromedp.Do(ctx,
		chromedp.Click(`.msg.bot[data-section="documents"] button.chip[data-action$=":steps"]`),
		chromedp.WaitVisible(`.msg.bot[data-section="steps"]`),
	))
	stepsText, err := chromedp.Run(ctx, chromedp.Text(`.msg.bot[data-section="steps"]`))
	step("read steps", err)
	items, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('.msg.bot[data-section="steps"] ol.lines li').length`))
	step("count steps", err)
	if items < 2 {
		t.Errorf("steps are not rendered as a numbered list (%d items)", items)
	}
	step("injection", chromedp.Do(ctx,
		chromedp.SendKeys(`#input`, `<img src=x onerror="document.title='pwned'"> giá vàng`),
		chromedp.Click(`#send`),
		chromedp.WaitVisible(`.msg.bot[data-intent="fallback"]`),
	))
	injected, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#log img').length + (document.title === 'pwned' ? 100 : 0)`))
	step("evaluate", err)
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	step("screenshot", err)
	_ = os.WriteFile(shot, png, 0o644)
	t.Logf("screenshot: %s", shot)
	if !strings.Contains(answer, "Giấy tờ cần chuẩn bị") {
		t.Errorf("answer does not show the documents: %q", answer)
	}
	if !strings.Contains(stepsText, "Các bước") {
		t.Errorf("steps not shown: %q", stepsText)
	}
	if injected != 0 {
		t.Errorf("HTML was injected into the page (%d)", injected)
	}
}

// TestAdminUIInBrowser signs in, edits a procedure with an inline validation
// error first, saves, and sees the change in the history, in headless Chromium.
func TestAdminUIInBrowser(t *testing.T) {
	ctx := browsertest.Start(t, browsertest.Options{})
	cfg := testConfig(t, t.TempDir())
	cfg.AdminToken = adminToken
	base, _ := startApp(t, cfg)
	c := client{t: t, base: base}
	step := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("browser: %s: %v", what, err)
		}
	}
	step("sign in", chromedp.Do(ctx,
		browsertest.SignIn(base, adminToken),
		chromedp.Navigate(base+"/admin#procedures"),
		chromedp.WaitVisible(`tr.proc-row[data-id="dang-ky-khai-sinh"]`),
	))
	step("invalid edit", chromedp.Do(ctx,
		chromedp.Navigate(base+"/admin#edit/dang-ky-khai-sinh"),
		chromedp.WaitVisible(`#f-title`),
		chromedp.Sleep(300*time.Millisecond),
		chromedp.Evaluate[chromedp.Void](`window.__docs = document.getElementById("f-documents").value; document.getElementById("f-documents").value = ""; undefined`),
		chromedp.Click(`#save`),
		chromedp.WaitVisible(`#f-documents-error`),
	))
	step("valid edit", chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`document.getElementById("f-documents").value = window.__docs; undefined`),
		chromedp.SendKeys(`#f-aliases`, "\ngiấy chứng nhận chào đời"),
		chromedp.SendKeys(`#f-comment`, "thêm tên gọi"),
		chromedp.Click(`#save`),
		// The status turns "ok" only once the server has stored the
		// revision; a fixed pause lost that race on a loaded machine.
		chromedp.WaitVisible(`#status.status-ok`),
		chromedp.Navigate(base+"/admin#revisions/dang-ky-khai-sinh"),
		chromedp.WaitVisible(`li.rev-item[data-revision="2"]`),
	))
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	step("screenshot", err)
	_ = os.WriteFile(filepath.Join(os.TempDir(), "dvcbot-admin.png"), png, 0o644)
	_, res := c.do("GET", "/api/procedures/search?q=giay+chung+nhan+chao+doi", "", "", nil)
	if rs := res["results"].([]any); len(rs) == 0 || rs[0].(map[string]any)["id"] != "dang-ky-khai-sinh" {
		t.Fatalf("edit from the browser not searchable: %v", res)
	}
	_, revs := c.do("GET", "/api/admin/procedures/dang-ky-khai-sinh/revisions", adminToken, "", nil)
	list := revs["revisions"].([]any)
	if last := list[len(list)-1].(map[string]any); last["comment"] != "thêm tên gọi" || last["by"] != "bootstrap admin" {
		t.Fatalf("revision: %v", last)
	}
}
