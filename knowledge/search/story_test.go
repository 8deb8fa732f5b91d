package search_test

import (
	"context"
	"strings"
	"testing"

	"github.com/dvcbot/dvcbot/bot"
	"github.com/dvcbot/dvcbot/internal/searchtest"
)

// TestCitizensOwnWords: the details of a citizen's own case (family, time,
// amounts) and words that only look like an abbreviation do not move the
// answer away from the procedure the question names.
func TestCitizensOwnWords(t *testing.T) {
	ix := searchtest.Index(t)
	ctx := context.Background()
	tests := []struct{ q, id string }{
		// "để" (so that) is not "đẻ" (give birth, an expansion to maternity).
		{"Điều kiện để được đăng ký lại khai sinh là gì?", "dang-ky-lai-khai-sinh"},
		// A week, a grandfather, a year: the story, not another subject.
		{"con toi moi sinh duoc 1 tuan thi can giay to gi de lam giay khai sinh", "dang-ky-khai-sinh"},
		{"dkkh can giay to gi", "dang-ky-ket-hon"},
		{"đóng bảo hiểm xã hội được 6 năm, muốn rút 1 lần thì làm sao", "bhxh-mot-lan"},
	}
	for _, tt := range tests {
		res, err := ix.Search(ctx, tt.q, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) == 0 || res.Hits[0].ID != tt.id {
			t.Errorf("%q: hits %+v, want %s first", tt.q, res.Hits, tt.id)
		}
	}
	// Numbers of the case do not lower the evidence for a procedure (which of
	// two near-tied land procedures ranks first may still move).
	a, _ := ix.Search(ctx, "mua đất giấy tay giờ có sang tên sổ đỏ được không", 5)
	b, _ := ix.Search(ctx, "mua đất giấy tay từ 2010 giờ có sang tên sổ đỏ được không", 5)
	for _, id := range []string{"chuyen-nhuong-dat", "cap-so-do-lan-dau"} {
		ea, oka := evidenceOf(a.Hits, id)
		eb, okb := evidenceOf(b.Hits, id)
		if !oka || !okb || eb.Residual > ea.Residual+1e-9 || eb.NameFit < ea.NameFit-1e-9 || eb.FullName != ea.FullName {
			t.Errorf("a year changed the evidence for %s: %+v vs %+v", id, ea, eb)
		}
	}
	// Where the citizen lives or works is the setting: the same evidence,
	// typed with or without marks.
	base, _ := ix.Search(ctx, "làm lại căn cước ở đâu", 5)
	for _, q := range []string{"đang làm công nhân ở Bình Dương, làm lại căn cước ở đâu", "dang lam cong nhan o binh duong, lam lai can cuoc o dau"} {
		r, _ := ix.Search(ctx, q, 5)
		if len(r.Hits) == 0 || len(base.Hits) == 0 || r.Hits[0].ID != base.Hits[0].ID || strings.Contains(r.Query, "binh duong") {
			t.Errorf("%q: query %q, hits %+v, want %s first and no place in the query", q, r.Query, r.Hits, base.Hits[0].ID)
		}
	}
}

func evidenceOf(hits []bot.SearchHit, id string) (bot.Evidence, bool) {
	for _, h := range hits {
		if h.ID == id {
			return h.Evidence, true
		}
	}
	return bot.Evidence{}, false
}

// TestRankerRanksLikeSearch: the dialogue's searcher gives the same hits and
// confidence as Search, without snippets.
func TestRankerRanksLikeSearch(t *testing.T) {
	ix := searchtest.Index(t)
	ctx := context.Background()
	for _, q := range []string{"làm lại cccd cần giấy tờ gì", "dang ky khai sinh o dau", "giá vàng hôm nay"} {
		a, _ := ix.Search(ctx, q, 5)
		b, _ := ix.Ranker().Search(ctx, q, 5)
		if len(a.Hits) != len(b.Hits) || a.Confident != b.Confident {
			t.Fatalf("%q: %+v vs %+v", q, a, b)
		}
		for i := range a.Hits {
			if a.Hits[i].ID != b.Hits[i].ID || a.Hits[i].Confidence != b.Hits[i].Confidence || b.Hits[i].Snippet != "" {
				t.Errorf("%q hit %d: %+v vs %+v", q, i, a.Hits[i], b.Hits[i])
			}
		}
		if len(a.Hits) > 0 && a.Hits[0].Snippet == "" {
			t.Errorf("%q: Search gave no snippet", q)
		}
	}
}
