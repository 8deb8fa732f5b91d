// Package web serves dvcbot's browser chat page: one HTML document plus its
// JavaScript and CSS, embedded in the binary so the service needs no files on
// disk and no build step.
//
// Index serves the page at "/" and Static serves the assets under "/static/".
// Every response carries a strict Content-Security-Policy: the page loads
// scripts, styles and data only from its own origin and uses no inline code,
// so a reply that smuggles markup cannot run anything.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"strings"
	"time"
)

//go:embed static/*
var files embed.FS

// ContentSecurityPolicy is sent with the page and its assets. It allows only
// same-origin scripts, styles, images and fetches, and no inline code.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self'; connect-src 'self'; font-src 'self'; object-src 'none'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

var (
	static    fs.FS             // files rooted at static/
	indexHTML []byte            // static/index.html
	etags     map[string]string // file name under static/ -> strong ETag
)

func init() {
	sub, err := fs.Sub(files, "static")
	if err != nil {
		panic("web: " + err.Error())
	}
	static = sub
	etags = make(map[string]string)
	err = fs.WalkDir(sub, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		etags[name] = `"` + hex.EncodeToString(sum[:12]) + `"`
		return nil
	})
	if err != nil {
		panic("web: " + err.Error())
	}
	indexHTML, err = fs.ReadFile(sub, "index.html")
	if err != nil {
		panic("web: " + err.Error())
	}
}

// setCommonHeaders adds the security and caching headers shared by all responses.
// "no-cache" lets browsers keep a copy but revalidate it (cheaply, by ETag),
// so a new deployment is picked up on the next load.
func setCommonHeaders(h http.Header) {
	h.Set("Content-Security-Policy", ContentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-cache")
}

// Index serves the chat page (static/index.html).
func Index() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		setCommonHeaders(h)
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("ETag", etags["index.html"])
		http.ServeContent(w, r, "index.html", time.Time{}, bytes.NewReader(indexHTML))
	})
}

// Static serves the embedded assets under the URL prefix /static/
// (for example /static/app.js and /static/style.css). Only files that exist
// are served: directory listings and unknown names get 404.
func Static() http.Handler {
	fileServer := http.StripPrefix("/static/", http.FileServer(http.FS(static)))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
			return
		}
		name, ok := strings.CutPrefix(r.URL.Path, "/static/")
		tag, known := etags[name]
		if !ok || !known {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		setCommonHeaders(h)
		h.Set("ETag", tag)
		fileServer.ServeHTTP(w, r)
	})
}
