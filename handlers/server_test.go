package handlers

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

func TestOperationalRoutes(t *testing.T) {
	ready := errors.New("store down")
	r := NewRouter(Options{
		MaxBodyBytes: 16,
		Ready:        func(context.Context) error { return ready },
		Routes: []func(*gin.Engine){func(e *gin.Engine) {
			e.GET("/panic", func(*gin.Context) { panic("boom") })
			e.POST("/echo", func(c *gin.Context) {
				var v map[string]any
				if err := c.ShouldBindJSON(&v); err != nil {
					writeError(c, invalidf("bad json: %v", err))
					return
				}
				c.JSON(200, v)
			})
		}},
	})
	tests := []struct {
		name, method, path, body string
		want                     int
		wantBody                 string
	}{
		{"healthz", "GET", "/healthz", "", 200, `"ok"`},
		{"readyz when the store is down", "GET", "/readyz", "", 503, "store down"},
		{"placeholder page", "GET", "/", "", 200, "<html"},
		{"unknown path", "GET", "/nope", "", 404, "error"},
		{"wrong method", "DELETE", "/healthz", "", 405, "error"},
		{"panic is recovered", "GET", "/panic", "", 500, "internal error"},
		{"body over the limit", "POST", "/echo", strings.Repeat("x", 100), 413, "larger than 16"},
		{"malformed json", "POST", "/echo", "{", 400, "bad json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			req := httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body))
			r.ServeHTTP(w, req)
			if w.Code != tt.want || !strings.Contains(w.Body.String(), tt.wantBody) {
				t.Fatalf("%s %s = %d %q, want %d containing %q", tt.method, tt.path, w.Code, w.Body.String(), tt.want, tt.wantBody)
			}
			if w.Header().Get("X-Request-ID") == "" {
				t.Fatal("no request id")
			}
		})
	}
	ready = nil
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest("GET", "/readyz", nil))
	if w.Code != http.StatusOK {
		t.Fatalf("readyz after recovery = %d", w.Code)
	}
}

// TestImportRoutesTakeWholeFiles: the file import routes (catalogue, dossiers,
// offices) accept bodies up to the import limit; every other route keeps the
// small one.
func TestImportRoutesTakeWholeFiles(t *testing.T) {
	read := func(c *gin.Context) {
		b, err := io.ReadAll(c.Request.Body)
		if err != nil {
			writeError(c, err)
			return
		}
		c.JSON(200, gin.H{"bytes": len(b)})
	}
	r := NewRouter(Options{MaxBodyBytes: 16, MaxImportBytes: 1 << 10, Routes: []func(*gin.Engine){func(e *gin.Engine) {
		for _, p := range []string{"/api/admin/catalog", "/api/admin/dossiers", "/api/admin/offices", "/api/admin/procedures"} {
			e.POST(p, read)
		}
	}}})
	for _, tt := range []struct {
		path string
		size int
		want int
	}{
		{"/api/admin/catalog", 1000, 200},
		{"/api/admin/dossiers", 1000, 200},
		{"/api/admin/offices", 1000, 200},
		{"/api/admin/dossiers", 2000, 413},
		{"/api/admin/procedures", 1000, 413},
	} {
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest("POST", tt.path, strings.NewReader(strings.Repeat("x", tt.size))))
		if w.Code != tt.want {
			t.Errorf("POST %s with %d bytes = %d, want %d", tt.path, tt.size, w.Code, tt.want)
		}
	}
}
