package messenger

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/dvcbot/dvcbot/channel"
)

// FuzzWebhook: any body and X-Hub-Signature-256 is either refused (401 for a
// signature that is not the body's HMAC; 400 for a signed body that is not
// a Payload) or accepted only with the body's own signature; every event that
// needs work has an id, a chat, and text or an action (not both), and survives
// the adapter's storage round trip unchanged. With sign set the body is signed
// correctly, so the decoder is explored too; a signature made with another
// secret never passes. Nothing panics.
func FuzzWebhook(f *testing.F) {
	const secret = "app-secret"
	msg := `{"object":"page","entry":[{"id":"106110112233445","time":1735689600000,"messaging":[{"sender":{"id":"7181234567890123"},"recipient":{"id":"106110112233445"},"timestamp":1735689600000,"message":{"mid":"m_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0P","text":"làm lại căn cước cần giấy tờ gì"}}]}]}`
	f.Add([]byte(msg), "", true)
	f.Add([]byte(msg), Sign(secret, []byte(msg)), false)
	f.Add([]byte(msg), "sha256=00", false)
	f.Add([]byte(`{"object":"page","entry":[{"messaging":[{"sender":{"id":"1"},"timestamp":1,"message":{"mid":"m_1","text":"Lệ phí","quick_reply":{"payload":"sec:dang-ky-khai-sinh:fees"}}}]}]}`), "", true)
	f.Add([]byte(`{"object":"page","entry":[{"messaging":[{"sender":{"id":"1"},"timestamp":2,"postback":{"mid":"m_2","title":"Bắt đầu","payload":"GET_STARTED"}}]}]}`), "", true)
	f.Add([]byte(`{"object":"page","entry":[{"messaging":[{"sender":{"id":"1"},"message":{"mid":"m_3","text":"echo","is_echo":true}},{"sender":{"id":"1"},"read":{"watermark":1}}]}]}`), "", true)
	f.Add([]byte(`{"object":"instagram","entry":[]}`), "", true)
	f.Add([]byte(`{"object":"page","entry":"x"}`), "", true)
	f.Add([]byte(`not json`), "", true)
	f.Fuzz(func(t *testing.T, body []byte, sig string, sign bool) {
		s := &Service{cfg: Config{AppSecret: secret}}
		if sign {
			if s.signatureOK(Sign(secret+"x", body), body) {
				t.Fatal("a signature made with another secret passed")
			}
			sig = Sign(secret, body)
		}
		events, err := s.verify(sig, body)
		own := strings.ToLower(strings.TrimSpace(sig)) == Sign(secret, body)
		switch {
		case errors.Is(err, errSignature):
			if own {
				t.Fatal("the body's own signature was refused")
			}
			return
		case errors.Is(err, errNotEvent):
			var p Payload
			if readable := json.Unmarshal(body, &p) == nil; !own || readable {
				t.Fatalf("400 for a body signed %v, readable %v", own, readable)
			}
			return
		case err != nil:
			t.Fatalf("unexpected error %v", err)
		}
		if !own {
			t.Fatalf("accepted with signature %q, want the body's own", sig)
		}
		for _, ev := range events {
			if ev.ID == "" || ev.Chat == "" || ev.Kind != channel.KindMessage {
				t.Fatalf("event without id or chat, or of kind %q: %+v", ev.Kind, ev)
			}
			if (ev.Text == "") == (ev.Action == "") {
				t.Fatalf("want text or action, not both nor neither: %+v", ev)
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
		}
	})
}
