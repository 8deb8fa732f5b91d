package app

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/dvcbot/dvcbot/internal/browsertest"
)

// hostSite serves a portal's pages that embed the widget from base.
func hostSite(t *testing.T, base *string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Cổng Dịch vụ công %[1]s</title></head>
<body><main><h1>Trang %[1]s</h1><p><a href="/trang-2">Trang 2</a></p></main>
<script src="%[2]s/widget.js" data-title="Trợ lý Đà Nẵng" data-color="#7a1f1f" async></script></body></html>`, r.URL.Path, *base)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func newTab(t *testing.T, ctx context.Context) context.Context {
	tab, cancel := chromedp.NewContext(ctx)
	t.Cleanup(cancel)
	return tab
}

// TestWidgetEmbeddedCrossOrigin embeds the widget in a page of an allowed
// origin (it opens, answers, and keeps the conversation across the portal's
// pages) and of a refused origin (the chat never loads), in headless Chromium.
func TestWidgetEmbeddedCrossOrigin(t *testing.T) {
	ctx := browsertest.Start(t, browsertest.Options{})
	var base string
	allowed, refused := hostSite(t, &base), hostSite(t, &base)
	cfg := testConfig(t, t.TempDir())
	cfg.WidgetOrigins = []string{allowed.URL}
	base, _ = startApp(t, cfg)

	step := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("browser: %s: %v", what, err)
		}
	}
	frame := func(ctx context.Context) *chromedp.Node {
		nodes, err := chromedp.Run(ctx, chromedp.Nodes(`#dvcbot-widget-frame`))
		step("find the iframe", err)
		return nodes[0]
	}
	step("open the widget on an allowed host", chromedp.Do(ctx,
		chromedp.Navigate(allowed.URL+"/"),
		chromedp.WaitVisible(`#dvcbot-widget-button`),
		chromedp.Click(`#dvcbot-widget-button`),
		chromedp.WaitVisible(`#dvcbot-widget-button[data-state="ready"]`),
	))
	f := frame(ctx)
	step("ask in the widget", chromedp.Do(ctx,
		chromedp.WaitVisible(`#input`, chromedp.FromNode(f)),
		chromedp.SendKeys(`#input`, "làm lại cccd cần giấy tờ gì", chromedp.FromNode(f)),
		chromedp.Click(`#send`, chromedp.FromNode(f)),
		chromedp.WaitVisible(`.msg.bot[data-procedure="cap-doi-cap-lai-the-can-cuoc"]`, chromedp.FromNode(f)),
	))
	title, err := chromedp.Run(ctx, chromedp.Text(`.title`, chromedp.FromNode(f)))
	step("widget title", err)
	if title != "Trợ lý Đà Nẵng" {
		t.Errorf("widget title %q", title)
	}
	step("move to another page of the portal", chromedp.Do(ctx,
		chromedp.Navigate(allowed.URL+"/trang-2"),
		chromedp.WaitVisible(`#dvcbot-widget-button[data-state="ready"]`), // reopened by itself
	))
	f = frame(ctx)
	step("the conversation is still there", chromedp.Do(ctx,
		chromedp.WaitVisible(`.msg.bot[data-procedure="cap-doi-cap-lai-the-can-cuoc"]`, chromedp.FromNode(f)),
	))
	step("close with the Đóng button", chromedp.Do(ctx,
		chromedp.Click(`#close-widget`, chromedp.FromNode(f)),
		chromedp.WaitVisible(`#dvcbot-widget-button[aria-expanded="false"]`),
	))

	refusedTab := newTab(t, ctx)
	step("open the widget on a refused host", chromedp.Do(refusedTab,
		chromedp.Navigate(refused.URL+"/"),
		chromedp.WaitVisible(`#dvcbot-widget-button`),
		chromedp.Click(`#dvcbot-widget-button`),
		chromedp.Sleep(3*time.Second),
	))
	state, err := chromedp.Run(refusedTab, chromedp.Evaluate[string](`document.getElementById('dvcbot-widget-button').getAttribute('data-state') || ''`))
	step("state", err)
	if state == "ready" {
		t.Fatal("the chat loaded in a frame of an origin not in DVCBOT_WIDGET_ORIGINS")
	}

	// "/" itself may not be framed anywhere, not even by an allowed origin.
	resp, err := http.Get(base + "/")
	step("GET /", err)
	resp.Body.Close()
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || resp.Header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("/ may be framed: %q", csp)
	}
	resp, err = http.Get(base + "/widget")
	step("GET /widget", err)
	resp.Body.Close()
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors "+allowed.URL) || resp.Header.Get("X-Frame-Options") != "" {
		t.Errorf("/widget headers: %q %q", csp, resp.Header.Get("X-Frame-Options"))
	}
}

// TestAccessibilityInBrowser audits the chat and the widget's page with
// axe-core (plain and high contrast), and checks text size, keyboard use and
// the "Nghe" button (hidden without a Vietnamese voice; reading the answer
// with one).
func TestAccessibilityInBrowser(t *testing.T) {
	ctx := browsertest.Start(t, browsertest.Options{})
	base, _ := startApp(t, testConfig(t, t.TempDir()))
	step := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("browser: %s: %v", what, err)
		}
	}
	step("a conversation", chromedp.Do(ctx,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(`#input`),
		chromedp.SendKeys(`#input`, "làm lại cccd cần giấy tờ gì"),
		chromedp.Click(`#send`),
		chromedp.WaitVisible(`.msg.bot[data-procedure="cap-doi-cap-lai-the-can-cuoc"]`),
	))
	browsertest.Audit(t, ctx, "chat")

	// No voice in headless Chromium: no Nghe button.
	hidden, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`[...document.querySelectorAll('button.listen')].every(b => b.hidden) && document.querySelectorAll('button.listen').length > 0`))
	step("listen buttons", err)
	if !hidden {
		t.Error("Nghe buttons shown without a Vietnamese voice")
	}

	// Text size: larger twice, kept after a reload.
	step("text size", chromedp.Do(ctx,
		chromedp.Click(`#text-larger`),
		chromedp.Click(`#text-larger`),
		chromedp.Reload(),
		chromedp.WaitVisible(`.msg.bot[data-procedure="cap-doi-cap-lai-the-can-cuoc"]`),
	))
	size, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.body).fontSize`))
	step("font size", err)
	if size != "22.5px" { // 18px × 125 %
		t.Errorf("body font size %s after two steps up", size)
	}

	// Keyboard: Tab from the top reaches the display options in order.
	var order []string
	step("focus the page", chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.activeElement && document.activeElement.blur(); undefined`)))
	for range 6 {
		step("tab", chromedp.Do(ctx, chromedp.KeyEvent("\t")))
		id, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.id || document.activeElement.className`))
		step("active element", err)
		order = append(order, id)
	}
	joined := strings.Join(order, " ")
	if !strings.Contains(joined, "text-smaller text-larger contrast") {
		t.Errorf("tab order %v does not reach the display options", order)
	}
	step("high contrast by keyboard", chromedp.Do(ctx,
		chromedp.Focus(`#contrast`),
		chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(`html.hc #contrast[aria-pressed="true"]`),
	))
	browsertest.Audit(t, ctx, "chat, high contrast")

	step("the widget page", chromedp.Do(ctx,
		chromedp.Click(`#contrast`),
		chromedp.Navigate(base+"/widget?title=Tr%E1%BB%A3%20l%C3%BD&color=%237a1f1f&text=%23ffffff"),
		chromedp.WaitVisible(`#close-widget`),
	))
	browsertest.Audit(t, ctx, "widget")

	// With a Vietnamese voice the answer is read aloud in Vietnamese.
	voiced := newTab(t, ctx)
	stub := `window.__spoken = [];
window.SpeechSynthesisUtterance = function (text) { this.text = text; };
Object.defineProperty(window, 'speechSynthesis', {configurable: true, value: {
  getVoices: () => [{name: 'Tiếng Việt', lang: 'vi-VN'}],
  speak: (u) => window.__spoken.push({text: u.text, lang: u.lang, voice: u.voice && u.voice.lang}),
  cancel: () => {}, addEventListener: () => {},
}});`
	step("stub speech synthesis", chromedp.Do(voiced, func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: stub})
		return chromedp.Void{}, err
	}))
	step("listen", chromedp.Do(voiced,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(`.msg.bot[data-procedure="cap-doi-cap-lai-the-can-cuoc"] button.listen`),
		chromedp.Click(`.msg.bot[data-procedure="cap-doi-cap-lai-the-can-cuoc"] button.listen`),
	))
	spoken, err := chromedp.Run(voiced, chromedp.Evaluate[[]map[string]string](`window.__spoken`))
	step("spoken", err)
	if len(spoken) != 1 || spoken[0]["lang"] != "vi-VN" || !strings.Contains(strings.ToLower(spoken[0]["text"]), "căn cước") {
		t.Errorf("spoken %v", spoken)
	}
}
