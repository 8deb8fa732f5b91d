package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestZaloToken(t *testing.T) {
	oauth := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		if r.URL.Path != "/v4/oa/access_token" || r.Header.Get("secret_key") != "sk" || r.PostForm.Get("refresh_token") != "refresh-token-one" {
			w.Write([]byte(`{"error":-14014,"error_name":"Invalid refresh token"}`))
			return
		}
		w.Write([]byte(`{"access_token":"access-token-two","refresh_token":"refresh-token-two","expires_in":"90000"}`))
	}))
	defer oauth.Close()
	env := map[string]string{"DVCBOT_DATA_DIR": t.TempDir(), "ZALO_APP_ID": "1", "ZALO_OA_SECRET_KEY": "sk", "ZALO_OAUTH_ENDPOINT": oauth.URL}
	if code, out := runCLI(t, env, "zalo", "token", "info"); code != 0 || !strings.Contains(out, "no zalo tokens") {
		t.Fatalf("info: %d %s", code, out)
	}
	if code, out := runCLI(t, env, "zalo", "token", "set", "--access", "access-token-one", "--refresh", "refresh-token-one"); code != 0 || !strings.Contains(out, "version 1") {
		t.Fatalf("set: %d %s", code, out)
	}
	if code, out := runCLI(t, env, "zalo", "token", "refresh"); code != 0 || !strings.Contains(out, "version:         2") || strings.Contains(out, "refresh-token-two") {
		t.Fatalf("refresh: %d %s", code, out)
	}
	if code, out := runCLI(t, env, "zalo", "token", "info"); code != 0 || !strings.Contains(out, "…-two") {
		t.Fatalf("info: %d %s", code, out)
	}
	// The spent refresh token is gone: another refresh with the fake's old one fails loudly.
	if code, out := runCLI(t, env, "zalo", "token", "refresh"); code != 1 || !strings.Contains(out, "Invalid refresh token") {
		t.Fatalf("second refresh: %d %s", code, out)
	}
	if code, _ := runCLI(t, env, "zalo", "token", "set", "--access", "x"); code != 2 {
		t.Fatalf("set without refresh: %d", code)
	}
}
