package web

import (
	"bytes"
	"net/http"
	"strings"
	"time"
)

// WidgetScriptPath serves the embed script portals include; WidgetFramePath is
// the chat page it opens in an iframe.
const (
	WidgetScriptPath = "/widget.js"
	WidgetFramePath  = "/widget"
)

// FrameAncestors is the CSP frame-ancestors source list for origins (already
// validated as scheme://host[:port]); none allowed gives 'none'.
func FrameAncestors(origins []string) string {
	if len(origins) == 0 {
		return "'none'"
	}
	return strings.Join(origins, " ")
}

// WidgetScript serves /widget.js: it adds a launcher button to the host page
// and opens the chat from this origin in an isolated iframe. Anyone may load
// it (Cross-Origin-Resource-Policy: cross-origin); whether the chat may be
// framed on a host is decided by WidgetFrame's frame-ancestors.
func WidgetScript() http.Handler {
	return getOnly(func(w http.ResponseWriter, r *http.Request) {
		a, ok := chat["widget.js"]
		if !ok {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", a.contentType)
		h.Set("ETag", a.etag)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cross-Origin-Resource-Policy", "cross-origin")
		h.Set("Cache-Control", "public, max-age=300")
		http.ServeContent(w, r, "widget.js", time.Time{}, bytes.NewReader(a.body))
	})
}

// WidgetFrame serves the chat page for the widget's iframe. Its CSP is the
// page's own but with frame-ancestors listing the allowed host origins
// (DVCBOT_WIDGET_ORIGINS; none: 'none'), and it sends no X-Frame-Options, so
// only those hosts can frame it; "/" keeps refusing every frame.
func WidgetFrame(origins []string) http.Handler {
	csp := strings.Replace(ContentSecurityPolicy, "frame-ancestors 'none'", "frame-ancestors "+FrameAncestors(origins), 1)
	return getOnly(func(w http.ResponseWriter, r *http.Request) {
		a := chat["index.html"]
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cache-Control", "no-cache")
		h.Set("Content-Type", a.contentType)
		h.Set("ETag", a.etag)
		http.ServeContent(w, r, "index.html", time.Time{}, bytes.NewReader(a.body))
	})
}
