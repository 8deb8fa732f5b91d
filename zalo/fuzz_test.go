package zalo

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dvcbot/dvcbot/channel"
)

// fuzzNow is the fuzz service's clock: the seeds' timestamps are around it.
var fuzzNow = time.UnixMilli(1735689600000)

// FuzzWebhook: any body and X-ZEvent-Signature is either refused (401 for a
// signature that is not the body's, or a stale timestamp; 400 for a signed
// timestamp that is not milliseconds) or accepted only with the body's own
// signature; an event that needs work has an id and a chat, a known kind, and
// survives the adapter's storage round trip unchanged. With sign set the body
// is signed correctly, so the decoder is explored too; a signature made with
// another secret key never passes. Nothing panics.
func FuzzWebhook(f *testing.F) {
	const appID, key = "1838229140929", "oa-secret-KEY-123"
	text := `{"app_id":"1838229140929","user_id_by_app":"552177279717587730","event_name":"user_send_text","timestamp":"1735689600000","sender":{"id":"6142494823000000001"},"recipient":{"id":"3662729599332560487"},"message":{"text":"làm lại căn cước cần giấy tờ gì","msg_id":"96d0fb3a1a5c4d3a8e6e"}}`
	f.Add([]byte(text), "", true)
	f.Add([]byte(text), Sign(appID, key, []byte(text), "1735689600000"), false)
	f.Add([]byte(text), "mac=00", false)
	f.Add([]byte(`{"event_name":"user_send_text","timestamp":"1735689600000","sender":{"id":"1"},"message":{"text":"#dvc:sec:dang-ky-khai-sinh:fees"}}`), "", true)
	f.Add([]byte(`{"app_id":"1838229140929","event_name":"follow","timestamp":"1735689600000","follower":{"id":"6142494823000000001"},"source":"oa_follow"}`), "", true)
	f.Add([]byte(`{"event_name":"unfollow","timestamp":"1735689600000","follower":{"id":"6142494823000000001"}}`), "", true)
	f.Add([]byte(`{"event_name":"user_seen_message","timestamp":"1735689600000"}`), "", true)
	f.Add([]byte(`{"event_name":"user_send_text","timestamp":"17356x"}`), "", true)
	f.Add([]byte(`{"event_name":"user_send_text","timestamp":"1"}`), "", true)
	f.Add([]byte(`[]`), "", false)
	f.Fuzz(func(t *testing.T, body []byte, sig string, sign bool) {
		s := &Service{cfg: Config{AppID: appID, SecretKey: key, MaxAge: 10 * time.Minute, Now: func() time.Time { return fuzzNow }}}
		var e Event
		readable := json.Unmarshal(body, &e) == nil
		if sign && readable {
			if e.Timestamp != "" && s.signatureOK(Sign(appID, key+"x", body, e.Timestamp), body, e.Timestamp) {
				t.Fatal("a signature made with another secret key passed")
			}
			sig = Sign(appID, key, body, e.Timestamp)
		}
		ev, needed, err := s.verify(sig, body)
		if err != nil {
			var r *refusal
			if !errors.As(err, &r) || (r.status != http.StatusUnauthorized && r.status != http.StatusBadRequest) {
				t.Fatalf("refusal %v is not a 401 or 400", err)
			}
			if r.status == http.StatusBadRequest && !(readable && strings.ToLower(strings.TrimSpace(sig)) == Sign(appID, key, body, e.Timestamp)) {
				t.Fatal("400 for an event whose signature was not checked")
			}
			return
		}
		if !readable || e.Timestamp == "" || strings.ToLower(strings.TrimSpace(sig)) != Sign(appID, key, body, e.Timestamp) {
			t.Fatalf("accepted with signature %q, want the body's own", sig)
		}
		if !needed {
			return
		}
		if ev.ID == "" || ev.Chat == "" || ev.At.IsZero() {
			t.Fatalf("event needing work without id, chat or time: %+v", ev)
		}
		switch ev.Kind {
		case channel.KindMessage, channel.KindFollow, channel.KindUnfollow:
		default:
			t.Fatalf("unknown kind %q", ev.Kind)
		}
		if ev.Kind == channel.KindMessage && ev.Text != "" && ev.Action != "" {
			t.Fatalf("both text and action: %+v", ev)
		}
		raw, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		var back channel.Event
		if err := json.Unmarshal(raw, &back); err != nil || back.ID != ev.ID || back.Chat != ev.Chat || back.Kind != ev.Kind ||
			back.Text != ev.Text || back.Action != ev.Action || !back.At.Equal(ev.At) {
			t.Fatalf("stored event %s reads back as %+v (%v), want %+v", raw, back, err, ev)
		}
	})
}
