package handlers

import (
	"context"
	"errors"
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
