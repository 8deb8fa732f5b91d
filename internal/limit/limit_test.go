package limit

import (
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	l := New(3)
	now := time.Unix(1000, 0)
	for i := 0; i < 3; i++ {
		if ok, _ := l.Allow("a", now); !ok {
			t.Fatalf("event %d refused within the burst", i+1)
		}
	}
	ok, wait := l.Allow("a", now)
	if ok || wait <= 0 || wait > 20*time.Second {
		t.Fatalf("4th event: ok=%v wait=%v, want refused with a wait of at most 20s", ok, wait)
	}
	if ok, _ := l.Allow("b", now); !ok {
		t.Fatal("another key is limited too")
	}
	if ok, _ := l.Allow("a", now.Add(wait)); !ok {
		t.Fatal("still refused after the announced wait")
	}
	l.Allow("a", now.Add(2*time.Minute)) // sweep: b refilled, forgotten
	if l.Len() != 1 {
		t.Fatalf("keys after sweep = %d, want 1", l.Len())
	}
	var off *Limiter = New(0)
	if ok, _ := off.Allow("x", now); !ok || off.Len() != 0 {
		t.Fatal("a disabled limiter refused")
	}
	if RetryAfterSeconds(1500*time.Millisecond) != 2 || RetryAfterSeconds(0) != 1 {
		t.Fatal("RetryAfterSeconds rounding")
	}
}
