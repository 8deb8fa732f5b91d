package web

import (
	"strings"
	"testing"
)

// The officers' console is its own script, under the same rules as admin.js.
func TestAdminHandoffScript(t *testing.T) {
	res := get(t, Admin(), "/admin/handoff.js")
	body := string(mustRead(t, res))
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/javascript; charset=utf-8" {
		t.Fatalf("handoff.js: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	checkAdminHeaders(t, "/admin/handoff.js", res)
	for _, bad := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "setAttribute('style'"} {
		if strings.Contains(body, bad) {
			t.Errorf("handoff.js uses %q", bad)
		}
	}
	for _, want := range []string{"views.handoff", "'/conversations'", "/claim", "/messages", "/transfer", "/close", "/handoff/stats?days=",
		"/handoff/meta", "/privacy/erase", "/api/procedures/search", "window.confirm", "visibilityState", "Cán bộ khác đang xử lý", "ctrlKey"} {
		if !strings.Contains(body, want) {
			t.Errorf("handoff.js lacks %q", want)
		}
	}
	html := string(mustRead(t, get(t, Admin(), "/admin/")))
	for _, want := range []string{`href="#handoff"`, `id="nav-handoff"`, `src="/admin/handoff.js"`} {
		if !strings.Contains(html, want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	admin := string(mustRead(t, get(t, Admin(), "/admin/admin.js")))
	for _, want := range []string{"apiQuiet", "hasRole", "'agent'"} {
		if !strings.Contains(admin, want) {
			t.Errorf("admin.js lacks %q", want)
		}
	}
}

// The chat polls its inbox and shows officers' replies as their own bubbles.
func TestChatShowsOfficerReplies(t *testing.T) {
	js := string(mustRead(t, get(t, Static(), "/static/app.js")))
	for _, want := range []string{"action: 'inbox'", "visibilitychange", "dataset.from = 'staff'", "data.messages", "'dvcbot_handoff'", "Retry-After"} {
		if !strings.Contains(js, want) {
			t.Errorf("app.js lacks %q", want)
		}
	}
	css := string(mustRead(t, get(t, Static(), "/static/style.css")))
	if !strings.Contains(css, ".msg.staff .bubble") {
		t.Error("style.css has no officer bubble")
	}
}
