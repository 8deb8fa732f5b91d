package telegram_test

import (
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/dvcbot/dvcbot/channel/channeltest"
	"github.com/dvcbot/dvcbot/store/storetest"
	"github.com/dvcbot/dvcbot/telegram"
)

// TestSharedLoad drives Telegram through the shared load driver the Zalo and
// Messenger load tests use (channeltest.RunLoad): DVCBOT_LOAD_N messages from
// DVCBOT_LOAD_CHATS chats at DVCBOT_LOAD_RATE messages/s, two at a time per
// chat, one in ten delivered twice; none may be lost, answered twice or out of
// order, and the target is ≥ 300 messages/s with p99 ≤ 50 ms from
// webhook to recorded sendMessage. Run with:
// DVCBOT_LOAD=1 go test ./telegram -run TestSharedLoad -v
func TestSharedLoad(t *testing.T) {
	if testing.Short() || os.Getenv("DVCBOT_LOAD") == "" {
		t.Skip("load test: set DVCBOT_LOAD=1 (DVCBOT_LOAD_CHATS, DVCBOT_LOAD_N, DVCBOT_LOAD_RATE, DVCBOT_LOAD_SESSIONS=memory)")
	}
	db := storetest.New(t)
	api := channeltest.NewAPI(t, `{"ok":true,"result":{"message_id":1,"date":1735689600,"chat":{"id":1,"type":"private"}}}`)
	mark := &channeltest.MarkEngine{}
	var sessions string
	mark.Inner, sessions = channeltest.LoadEngine(t, db)
	svc, err := telegram.New(telegram.Config{
		Token: testToken, Secret: testSecret, Endpoint: api.URL() + "/bot%s/%s",
		Engine: mark, Store: db.TelegramUpdates(),
	})
	if err != nil {
		t.Fatal(err)
	}
	svc.Start()
	g := gin.New()
	svc.Routes()(g)
	srv := httptest.NewServer(g)
	r := &rig{svc: svc, http: srv}
	t.Cleanup(func() { srv.Close(); r.close(t) })

	chats := channeltest.EnvInt("DVCBOT_LOAD_CHATS", 100)
	res := channeltest.RunLoad(t, channeltest.LoadSpec{
		Name: "telegram (sessions in " + sessions + ")", Chats: chats, PerChat: channeltest.EnvInt("DVCBOT_LOAD_N", 3000) / chats, Burst: 2,
		Rate: channeltest.EnvInt("DVCBOT_LOAD_RATE", 300), API: api, Engine: mark,
		Post: func(chat string, seq int, text string) int {
			c, _ := strconv.ParseInt(chat, 10, 64)
			id := (c%1_000_000+1)*1_000_000 + int64(seq) // the same for a redelivery
			status, _ := r.post(t, textUpdate(id, c, text))
			return status
		},
		Sent: func(c channeltest.Call) (string, string, bool) {
			if !strings.HasSuffix(c.Path, "/sendMessage") {
				return "", "", false
			}
			form, err := url.ParseQuery(string(c.Body))
			if err != nil || form.Get("text") == "" {
				return "", "", false
			}
			return form.Get("chat_id"), form.Get("text"), true
		},
	})
	if res.PerSecond < 290 || res.P99 > 50*time.Millisecond {
		t.Errorf("below target (≥ 300 msgs/s, p99 ≤ 50 ms): %v", res)
	}
}
