package web

// The staff admin page: one HTML document plus its JavaScript and CSS,
// embedded like the chat page and served under the same strict
// Content-Security-Policy (no inline code, same-origin only). The page talks
// to /api/admin/*; it holds no data itself, so serving it needs no sign-in.

import (
	"embed"
	"net/http"
	"strings"
)

//go:embed admin/*
var adminFiles embed.FS

// admin holds the files of admin/.
var admin = loadAssets(adminFiles, "admin")

// Admin serves the staff admin page: admin/index.html at /admin and /admin/,
// and the other embedded files at /admin/<file> (for example /admin/admin.js).
// It expects the full request path (the router mounts it at /admin and
// /admin/*path). Unknown names, nested paths and directories get 404; methods
// other than GET and HEAD get 405.
func Admin() http.Handler {
	return getOnly(func(w http.ResponseWriter, r *http.Request) {
		switch p := r.URL.Path; {
		case p == "/admin" || p == "/admin/":
			admin.serve(w, r, "index.html")
		case strings.HasPrefix(p, "/admin/"):
			admin.serve(w, r, strings.TrimPrefix(p, "/admin/"))
		default:
			http.NotFound(w, r)
		}
	})
}
