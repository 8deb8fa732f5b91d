package search

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/dvcbot/dvcbot/knowledge"
)

// TestCompactAfterWrites: procedures written one by one are rebuilt into whole
// indexes once writes pause, and answers stay what they were.
func TestCompactAfterWrites(t *testing.T) {
	ix, err := NewFromSeed()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for i := 0; i < compactAfter+4; i++ {
		p := knowledge.Procedure{ID: fmt.Sprintf("tthc-9-%06d", i), Kind: knowledge.KindOfficial, Title: fmt.Sprintf("Cấp giấy phép khai thác tài nguyên nước loại %d", i), Field: "Tài nguyên", Level: "Cấp tỉnh", Summary: "Cấp phép khai thác nước mặt."}
		if err := ix.Upsert(p); err != nil {
			t.Fatal(err)
		}
	}
	ask := func() []string {
		res, err := ix.Search(context.Background(), "cấp giấy phép khai thác tài nguyên nước", 5)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, h := range res.Hits {
			out = append(out, h.ID)
		}
		return out
	}
	before := ask()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ix.mu.RLock()
		loose, busy := ix.loose, ix.compacting
		ix.mu.RUnlock()
		if loose == 0 && !busy {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not compacted: %d loose writes, compacting %v", loose, busy)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if after := ask(); len(after) != len(before) || len(after) == 0 || after[0] != before[0] {
		t.Errorf("hits before compaction %v, after %v", before, after)
	}
}
