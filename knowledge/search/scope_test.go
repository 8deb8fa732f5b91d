package search

import (
	"strings"
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
		{"lương hưu tháng này sao chưa về tài khoản", true},
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

// The bundled guide model knows how citizens name guides, shorthand
// included, and reports no guide for questions about none.
func TestResembles(t *testing.T) {
	ix := seedIndex(t)
	for _, c := range []struct{ q, want string }{
		{"mat ca vet xe may roi lam lai o dau", "cap-lai-dang-ky-bien-so-xe"},
		{"bà nội 85 tuổi muốn lãnh tiền già hàng tháng", "tro-cap-xa-hoi"},
		{"giá vàng hôm nay bao nhiêu", ""},
	} {
		if id, p := ix.Resembles(c.q); id != c.want || p < 0.9 {
			t.Errorf("Resembles(%q) = %q %.2f, want %q", c.q, id, p, c.want)
		}
	}
	ix2, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ix2.Close()
	if id, p := ix2.Resembles("mat ca vet xe"); id != "" || p != 0 {
		t.Errorf("no model: %q %.2f", id, p)
	}
}

func TestSectionAsked(t *testing.T) {
	ix := seedIndex(t)
	for _, c := range []struct{ q, want string }{
		{"làm căn cước cần những giấy tờ gì", "documents"},
		{"lam ho chieu het bn tien", "fees"}, // shorthand read as the search reads it
	} {
		if s, p := ix.SectionAsked(c.q); s != c.want || p < 0.5 {
			t.Errorf("SectionAsked(%q) = %q %.2f, want %q", c.q, s, p, c.want)
		}
	}
	ix2, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ix2.Close()
	if s, p := ix2.SectionAsked("can giay to gi"); s != "" || p != 0 {
		t.Errorf("no model: %q %.2f", s, p)
	}
}

// The models' reading of a question is remembered only while the
// dictionaries it was read with stay the same.
func TestModelWordsFollowTheDictionaries(t *testing.T) {
	ix, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	before := strings.Join(ix.modelWords("lam cccd o dau"), " ")
	if again := strings.Join(ix.modelWords("lam cccd o dau"), " "); again != before {
		t.Fatalf("read twice: %q then %q", before, again)
	}
	ix.SetShorthand(knowledge.Shorthand{Words: map[string]string{"cccd": "căn cước"}})
	after := strings.Join(ix.modelWords("lam cccd o dau"), " ")
	if !strings.Contains(after, "can cuoc") || after == before {
		t.Errorf("after the dictionary changed: %q (before %q)", after, before)
	}
}
