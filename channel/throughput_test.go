package channel_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/dvcbot/dvcbot/channel"
)

// BenchmarkAdapterInMemory measures the adapter alone (store and platform in
// memory): accept to send, 100 chats.
func BenchmarkAdapterInMemory(b *testing.B) {
	rec := &recorder{}
	a, _ := channel.New(channel.Config{Channel: "x", Engine: echo{}, Platform: rec, Store: newMemStore(), QueueSize: 1 << 16})
	b.ResetTimer()
	for i := range b.N {
		ev := channel.Event{ID: fmt.Sprint(i), Chat: fmt.Sprint(i % 100), Kind: channel.KindMessage, Text: "t", At: time.Now()}
		for {
			if _, err := a.Accept(context.Background(), ev); err == nil {
				break
			}
			time.Sleep(time.Microsecond)
		}
	}
	a.Close(context.Background())
}
