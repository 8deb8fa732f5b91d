package search

import (
	"testing"

	"github.com/dvcbot/dvcbot/knowledge"
)

// The bundled scope model reads questions as the search does: what a
// question asks, not the procedure it names, sets the estimate, and chat
// shorthand reads as the words it stands for.
func TestAsksElse(t *testing.T) {
	ix := seedIndex(t)
	for _, c := range []struct {
		q    string
		asks bool
	}{
		{"làm căn cước cho con 14 tuổi cần giấy tờ gì", false},
		{"dang ky khai sinh cho be o dau vay", false},
		{"đổi bằng lái xe ô tô hết bao nhiêu tiền", false},
		{"bố mất không để lại di chúc, anh em tranh chấp mảnh đất thì tòa sẽ chia cho ai", true},
		{"không đăng ký tạm trú thì có bị phạt không, phạt bao nhiêu", true},
		{"bằng lái xe quốc tế có được lái xe ở Nhật không", true},
	} {
		p := ix.AsksElse(c.q)
		if (p >= 0.73) != c.asks {
			t.Errorf("AsksElse(%q) = %.2f", c.q, p)
		}
	}
	if a, b := ix.AsksElse("ko dang ky tam tru thi co bi phat ko"), ix.AsksElse("không đăng ký tạm trú thì có bị phạt không"); a != b {
		t.Errorf("shorthand %.3f, written out %.3f", a, b)
	}
}

func TestAsksElseWithoutModel(t *testing.T) {
	ix, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if p := ix.AsksElse("ly hôn thì ai nuôi con"); p != 0 {
		t.Errorf("no model: %.2f", p)
	}
	ix.SetScopeModel(knowledge.ScopeModel{Bias: 5, Weights: map[string]float64{"u:x": 0}})
	if p := ix.AsksElse("ly hôn thì ai nuôi con"); p < 0.99 {
		t.Errorf("a model that finds everything else: %.2f", p)
	}
}
