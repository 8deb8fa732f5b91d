package web

// The staff admin page: one HTML document plus its JavaScript and CSS,
// embedded like the chat page and served under the same strict
// Content-Security-Policy (no inline code, same-origin only). The page talks
// to /api/admin/*; it holds no data itself, so serving it needs no sign-in.

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed admin/*
var adminFiles embed.FS

// adminAsset is one embedded file of the admin page.
type adminAsset struct {
	body        []byte
	etag        string
	contentType string
}

// adminAssets maps a file name under admin/ (for example "admin.js") to its content.
var adminAssets map[string]adminAsset

func init() {
	sub, err := fs.Sub(adminFiles, "admin")
	if err != nil {
		panic("web: " + err.Error())
	}
	adminAssets = make(map[string]adminAsset)
	err = fs.WalkDir(sub, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ct := mime.TypeByExtension(path.Ext(name))
		switch path.Ext(name) { // do not depend on the host's MIME tables
		case ".html":
			ct = "text/html; charset=utf-8"
		case ".js":
			ct = "text/javascript; charset=utf-8"
		case ".css":
			ct = "text/css; charset=utf-8"
		case ".svg":
			ct = "image/svg+xml"
		}
		if ct == "" {
			ct = "application/octet-stream"
		}
		adminAssets[name] = adminAsset{body: b, etag: `"` + hex.EncodeToString(sum[:12]) + `"`, contentType: ct}
		return nil
	})
	if err != nil {
		panic("web: " + err.Error())
	}
	if _, ok := adminAssets["index.html"]; !ok {
		panic("web: admin/index.html is missing")
	}
}

// Admin serves the staff admin page: admin/index.html at /admin and /admin/,
// and the other embedded files at /admin/<file> (for example /admin/admin.js).
// It expects the full request path (the router mounts it at /admin and
// /admin/*path). Unknown names, nested paths and directories get 404; methods
// other than GET and HEAD get 405.
func Admin() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
			return
		}
		var name string
		switch p := r.URL.Path; {
		case p == "/admin" || p == "/admin/":
			name = "index.html"
		case strings.HasPrefix(p, "/admin/"):
			name = strings.TrimPrefix(p, "/admin/")
		default:
			http.NotFound(w, r)
			return
		}
		asset, ok := adminAssets[name]
		if !ok || strings.Contains(name, "/") {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		setCommonHeaders(h)
		h.Set("Content-Type", asset.contentType)
		h.Set("ETag", asset.etag)
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(asset.body))
	})
}
