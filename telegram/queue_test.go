package telegram_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dvcbot/dvcbot/telegram"
)

// burstTexts get one reply each, recognisable by its opening words.
var burstTexts = []struct{ text, reply string }{
	{"/start", "Xin chào!"},
	{"lệ phí cấp hộ chiếu bao nhiêu tiền", "<b>Lệ phí"},
	{"/help", "Tôi giúp bạn"},
}

func TestBurstOf50ChatsAllAnsweredInOrder(t *testing.T) {
	r := newRig(t, nil)
	const chats = 50
	var wg sync.WaitGroup
	for c := range chats {
		wg.Add(1)
		go func() { // each chat sends its three messages one after another
			defer wg.Done()
			chat := int64(2000 + c)
			for i, bt := range burstTexts {
				if status, _ := r.post(t, textUpdate(int64(10000+c*10+i), chat, bt.text)); status != 200 {
					t.Errorf("chat %d message %d: status %d", chat, i, status)
				}
			}
		}()
	}
	wg.Wait()
	waitFor(t, "every reply", func() bool { return len(r.api.callsOf("sendMessage")) >= chats*len(burstTexts) })
	r.close(t)
	for c := range chats {
		chat := int64(2000 + c)
		got := r.api.sentTo(chat)
		if len(got) != len(burstTexts) {
			t.Errorf("chat %d got %d replies, want %d", chat, len(got), len(burstTexts))
			continue
		}
		for i, bt := range burstTexts {
			if !strings.HasPrefix(got[i], bt.reply) {
				t.Errorf("chat %d reply %d = %.40q…, want the answer to %q", chat, i, got[i], bt.text)
			}
		}
	}
}

func TestFullQueueAnswers503AndNothingIsLost(t *testing.T) {
	r := newRig(t, func(c *telegram.Config) { c.Workers, c.QueueSize = 1, 2 })
	r.engine.gate = make(chan struct{})
	var busy []string
	for i := range 6 {
		body := textUpdate(int64(300+i), privateChat, "/start")
		if status, _ := r.post(t, body); status == 503 {
			busy = append(busy, body)
		} else if status != 200 {
			t.Fatalf("status %d", status)
		}
	}
	if len(busy) == 0 {
		t.Fatal("a full queue must answer 503")
	}
	close(r.engine.gate)
	// Telegram delivers the refused updates again; now they fit.
	for _, body := range busy {
		waitFor(t, "room in the queue", func() bool { s, _ := r.post(t, body); return s == 200 })
	}
	r.close(t)
	if n := len(r.api.sentTo(privateChat)); n != 6 {
		t.Fatalf("%d replies, want 6", n)
	}
}

func TestShutdownDrainsQueuedUpdates(t *testing.T) {
	r := newRig(t, nil)
	r.engine.gate = make(chan struct{})
	for i := range 40 {
		if status, _ := r.post(t, textUpdate(int64(400+i), int64(3000+i%8), "/start")); status != 200 {
			t.Fatalf("status %d", status)
		}
	}
	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		done <- r.svc.Close(ctx)
	}()
	waitFor(t, "closing to start", func() bool {
		s, _ := r.post(t, textUpdate(999, 1, "/start"))
		return s == 503
	})
	close(r.engine.gate)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// (The probe's update 999 to chat 1 may have been taken before closing
	// began: only the 40 chats' replies count.)
	n := 0
	for c := range 8 {
		n += len(r.api.sentTo(int64(3000 + c)))
	}
	if n != 40 {
		t.Fatalf("%d of 40 queued updates answered after Close", n)
	}
}

func TestShutdownLeavesWhatItCannotFinishToTheNextStart(t *testing.T) {
	r := newRig(t, func(c *telegram.Config) { c.Workers = 2 })
	r.engine.gate = make(chan struct{}) // the engine hangs: nothing finishes
	const n = 10
	for i := range n {
		if status, _ := r.post(t, textUpdate(int64(600+i), int64(4000+i), "/start")); status != 200 {
			t.Fatalf("status %d", status)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	err := r.svc.Close(ctx)
	cancel()
	// The eight queued updates and the two cut while handled stay unfinished
	// in the store.
	if err != nil {
		t.Fatalf("Close = %v", err)
	}

	r.start(t, nil) // the next process
	r.svc.Start()
	waitFor(t, "unfinished updates answered", func() bool { return len(r.api.callsOf("sendMessage")) == n })
	r.close(t)
	if got := len(r.api.callsOf("sendMessage")); got != n {
		t.Fatalf("%d replies after restart, want %d", got, n)
	}
	// Answered updates are done: a redelivery is not answered again.
	r.start(t, nil)
	r.post(t, textUpdate(605, 4005, "/start"))
	r.close(t)
	if got := len(r.api.callsOf("sendMessage")); got != n {
		t.Fatalf("an update taken up at start was answered twice")
	}
}

func TestPollingUsesTheSamePath(t *testing.T) {
	r := newRig(t, nil)
	r.api.mu.Lock()
	for i := range 5 {
		r.api.updates = append(r.api.updates, []byte(textUpdate(int64(700+i), int64(5000+i), "/start")))
	}
	r.api.updates = append(r.api.updates, []byte(textUpdate(702, 5002, "/start")), []byte(stickerUpdate(705, 5000)))
	r.api.mu.Unlock()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.svc.Poll(ctx) }()
	waitFor(t, "polled updates answered", func() bool { return len(r.api.callsOf("sendMessage")) >= 5 })
	waitFor(t, "the next poll", func() bool { return len(r.api.callsOf("getUpdates")) >= 2 })
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	r.close(t)
	if n := len(r.api.callsOf("sendMessage")); n != 5 {
		t.Fatalf("%d replies, want 5 (the duplicate and the sticker unanswered)", n)
	}
	polls := r.api.callsOf("getUpdates")
	if polls[0].Params.Get("offset") != "0" || polls[1].Params.Get("offset") != "706" {
		t.Fatalf("offsets %q, %q; want 0 then 706", polls[0].Params.Get("offset"), polls[1].Params.Get("offset"))
	}
	if !strings.Contains(polls[0].Params.Get("allowed_updates"), "callback_query") {
		t.Fatalf("allowed_updates %q", polls[0].Params.Get("allowed_updates"))
	}
}

func ExampleRenderHTML() {
	fmt.Println(telegram.RenderHTML("**Lệ phí — Cấp hộ chiếu**\n• Mức thu: 200.000 đồng (<5 tuổi & người cao tuổi: **miễn**)\nhttps://dichvucong.gov.vn/p?a=1&b=2"))
	// Output:
	// <b>Lệ phí — Cấp hộ chiếu</b>
	// • Mức thu: 200.000 đồng (&lt;5 tuổi &amp; người cao tuổi: <b>miễn</b>)
	// https://dichvucong.gov.vn/p?a=1&amp;b=2
}
