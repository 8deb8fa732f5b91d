package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestWidgetHeaders(t *testing.T) {
	get := func(h http.Handler, path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec
	}
	frame := get(WidgetFrame([]string{"https://dichvucong.danang.gov.vn", "http://localhost:3000"}), "/widget")
	if csp := frame.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors https://dichvucong.danang.gov.vn http://localhost:3000") ||
		strings.Contains(csp, "'none'; frame") || frame.Header().Get("X-Frame-Options") != "" || !strings.Contains(frame.Body.String(), `id="log"`) {
		t.Fatalf("framed page: %v", frame.Header())
	}
	if csp := get(WidgetFrame(nil), "/widget").Header().Get("Content-Security-Policy"); !strings.HasSuffix(csp, "frame-ancestors 'none'") {
		t.Fatalf("no origins: %q", csp)
	}
	index := get(Index(), "/")
	if !strings.Contains(index.Header().Get("Content-Security-Policy"), "frame-ancestors 'none'") || index.Header().Get("X-Frame-Options") != "DENY" {
		t.Fatalf("/ may be framed: %v", index.Header())
	}
	js := get(WidgetScript(), "/widget.js")
	if js.Code != 200 || js.Header().Get("Cross-Origin-Resource-Policy") != "cross-origin" || !strings.Contains(js.Body.String(), "dvcbot:close") {
		t.Fatalf("widget.js: %d %v", js.Code, js.Header())
	}
}
