package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/dvcbot/dvcbot/store"
	"github.com/dvcbot/dvcbot/store/storetest"
)

func TestUnansweredKeyGroupsNearIdenticalQuestions(t *testing.T) {
	same := [][]string{
		{"Làm visa đi Mỹ?", "lam visa di my", "làm   VISA đi mỹ!!!", "đi mỹ làm visa", "làm visa đi mỹ mỹ"},
		{"chaoooo bạn", "chao ban"},
		{"xin giấy phép 123", "xin giấy phép 456"},
	}
	for _, group := range same {
		for _, q := range group[1:] {
			if store.UnansweredKey(q) != store.UnansweredKey(group[0]) {
				t.Errorf("%q and %q grouped apart: %q vs %q", q, group[0], store.UnansweredKey(q), store.UnansweredKey(group[0]))
			}
		}
	}
	if store.UnansweredKey("làm visa đi mỹ") == store.UnansweredKey("làm visa đi nhật") {
		t.Error("different questions grouped together")
	}
}

func TestUnansweredExpires(t *testing.T) {
	db := storetest.New(t)
	u := db.Unanswered()
	ctx := context.Background()
	old := time.Now().Add(-store.UnansweredRetention - time.Hour)
	for _, q := range []string{"câu hỏi cũ", "CÂU HỎI CŨ!!"} {
		if err := u.RecordUnanswered(ctx, "web", q, old); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{"làm visa đi mỹ", "Lam visa di My?"} {
		if err := u.RecordUnanswered(ctx, "web", q, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	items, err := u.List(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 || items[0].Count != 2 {
		t.Fatalf("inbox = %+v, want the one recent group counted twice", items)
	}
}
