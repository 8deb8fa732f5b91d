package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

// asset is one embedded file, ready to serve.
type asset struct {
	body        []byte
	etag        string
	contentType string
}

// assetSet holds the files of one embedded directory by name ("app.js").
type assetSet map[string]asset

// loadAssets reads every file below dir of fsys; it panics when dir is missing
// or lacks index.html, which can only be a build mistake.
func loadAssets(fsys fs.FS, dir string) assetSet {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic("web: " + err.Error())
	}
	set := assetSet{}
	err = fs.WalkDir(sub, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		set[name] = asset{body: b, etag: `"` + hex.EncodeToString(sum[:12]) + `"`, contentType: contentType(name)}
		return nil
	})
	if err != nil {
		panic("web: " + err.Error())
	}
	if _, ok := set["index.html"]; !ok {
		panic("web: " + dir + "/index.html is missing")
	}
	return set
}

// contentType does not depend on the host's MIME tables for the types we ship.
func contentType(name string) string {
	switch path.Ext(name) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	}
	if ct := mime.TypeByExtension(path.Ext(name)); ct != "" {
		return ct
	}
	return "application/octet-stream"
}

// serve writes the named asset with the security and caching headers, or 404
// for unknown names, nested paths and directories.
func (s assetSet) serve(w http.ResponseWriter, r *http.Request, name string) {
	a, ok := s[name]
	if !ok || strings.Contains(name, "/") {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	setCommonHeaders(h)
	h.Set("Content-Type", a.contentType)
	h.Set("ETag", a.etag)
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(a.body))
}

// getOnly answers 405 to anything but GET and HEAD.
func getOnly(next func(http.ResponseWriter, *http.Request)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
			return
		}
		next(w, r)
	})
}
