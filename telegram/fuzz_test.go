package telegram

import (
	"errors"
	"testing"

	"github.com/dvcbot/dvcbot/bot"
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
