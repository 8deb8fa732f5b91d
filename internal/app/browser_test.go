package app

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// browser starts headless Chromium, or skips the test (fails it when
// DVCBOT_REQUIRE_BROWSER=1, as CI sets when it installed the browser).
func browser(t *testing.T) context.Context {
	t.Helper()
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		if os.Getenv("DVCBOT_REQUIRE_BROWSER") == "1" {
			t.Fatal("chromium is required (DVCBOT_REQUIRE_BROWSER=1) but not installed")
		}
		t.Skip("skipping the browser test: chromium is not installed (apt-get install chromium)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(390, 844),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel3)
	return ctx
}

// TestWebChatInBrowser types a question, sees the answer, clicks a section
// button and sees that section, in real headless Chromium.
func TestWebChatInBrowser(t *testing.T) {
	ctx := browser(t)
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
