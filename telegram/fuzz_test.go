package telegram

import (
	"bytes"
	"errors"
	"strconv"
	"testing"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/channel"
)

// FuzzDecodeUpdate: any body either decodes to an update with a positive id or
// is refused with bot.ErrInvalid; nothing panics.
func FuzzDecodeUpdate(f *testing.F) {
	f.Add([]byte(`{"update_id":1,"message":{"message_id":2,"chat":{"id":3,"type":"private"},"date":1700000000,"text":"xin chào"}}`))
	f.Add([]byte(`{"update_id":9,"callback_query":{"id":"q","from":{"id":3},"message":{"message_id":2,"chat":{"id":3,"type":"private"}},"data":"proc:x"}}`))
	f.Add([]byte(`{"update_id":0}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"update_id":"1"}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		u, err := DecodeUpdate(raw)
		if err != nil {
			if !errors.Is(err, bot.ErrInvalid) {
				t.Fatalf("error %v does not wrap bot.ErrInvalid", err)
			}
			return
		}
		if u.UpdateID <= 0 {
			t.Fatalf("decoded an update with id %d", u.UpdateID)
		}
	})
}

// FuzzWebhookSecret: the header passes exactly when it equals the configured
// secret, and never when no secret is configured.
func FuzzWebhookSecret(f *testing.F) {
	f.Add("s3cr3t-token_A", "s3cr3t-token_A")
	f.Add("s3cr3t-token_A", "s3cr3t-token_B")
	f.Add("", "")
	f.Add("abc", "")
	f.Add("abc", "abc\x00")
	f.Fuzz(func(t *testing.T, secret, got string) {
		s := &Service{cfg: Config{Secret: secret}}
		want := secret != "" && got == secret
		if s.secretOK(got) != want {
			t.Fatalf("secretOK(%q) with secret %q = %v, want %v", got, secret, !want, want)
		}
	})
}

// FuzzUpdateEvent: a decoded update becomes the adapter's event keyed by its
// update_id, carrying the raw body, in a known kind, and reads back the same
// from the store (decodeEvent); an update needing no work has no chat.
func FuzzUpdateEvent(f *testing.F) {
	f.Add([]byte(`{"update_id":1,"message":{"message_id":2,"chat":{"id":3,"type":"private"},"date":1700000000,"text":"xin chào"}}`))
	f.Add([]byte(`{"update_id":4,"message":{"message_id":2,"chat":{"id":-100,"type":"supergroup"},"text":"@dvc_bot lệ phí"}}`))
	f.Add([]byte(`{"update_id":5,"message":{"message_id":2,"chat":{"id":3,"type":"private"},"location":{"latitude":16.05,"longitude":108.2}}}`))
	f.Add([]byte(`{"update_id":9,"callback_query":{"id":"q","from":{"id":3},"data":"menu"}}`))
	f.Add([]byte(`{"update_id":12,"my_chat_member":{"chat":{"id":7,"type":"private"},"from":{"id":7},"new_chat_member":{"status":"kicked"}}}`))
	f.Add([]byte(`{"update_id":13,"my_chat_member":{"chat":{"id":7,"type":"private"},"from":{"id":7},"new_chat_member":{"status":"member"}}}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		u, err := DecodeUpdate(raw)
		if err != nil {
			return
		}
		ev := u.event(raw)
		_, needed := u.routeKey()
		if ev.Chat == "" {
			if ev.ID != "" || ev.Raw != nil {
				t.Fatalf("an event needing no work carries %+v", ev)
			}
			return
		}
		if !needed || ev.ID != strconv.FormatInt(u.UpdateID, 10) || !bytes.Equal(ev.Raw, raw) || ev.Payload == nil {
			t.Fatalf("event %+v of update %d", ev, u.UpdateID)
		}
		switch ev.Kind {
		case channel.KindMessage, channel.KindFollow, channel.KindUnfollow:
		default:
			t.Fatalf("unknown kind %q", ev.Kind)
		}
		back, err := decodeEvent(ev.Raw)
		if err != nil || back.ID != ev.ID || back.Chat != ev.Chat || back.Kind != ev.Kind {
			t.Fatalf("stored update reads back as %+v (%v), want %+v", back, err, ev)
		}
	})
}
