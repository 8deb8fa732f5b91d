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
	"embed"
	"net/http"
	"strings"
)

//go:embed static/*
var files embed.FS

// ContentSecurityPolicy is sent with the page and its assets. It allows only
// same-origin scripts, styles, images and fetches, and no inline code.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self'; connect-src 'self'; font-src 'self'; object-src 'none'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// chat holds the files of static/.
var chat = loadAssets(files, "static")

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
	return getOnly(func(w http.ResponseWriter, r *http.Request) { chat.serve(w, r, "index.html") })
}

// Static serves the embedded assets under the URL prefix /static/
// (for example /static/app.js and /static/style.css). Only files that exist
// are served: directory listings and unknown names get 404.
func Static() http.Handler {
	return getOnly(func(w http.ResponseWriter, r *http.Request) {
		name, ok := strings.CutPrefix(r.URL.Path, "/static/")
		if !ok {
			http.NotFound(w, r)
			return
		}
		chat.serve(w, r, name)
	})
}
