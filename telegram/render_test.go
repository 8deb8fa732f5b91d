package telegram

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dvcbot/dvcbot/bot"
)

func TestRenderHTMLEscapesAndBolds(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a < b && c > d", "a &lt; b &amp;&amp; c &gt; d"},
		{"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
		{"**Lệ phí** 50.000 đồng", "<b>Lệ phí</b> 50.000 đồng"},
		{"**a** và **b**", "<b>a</b> và <b>b</b>"},
		{"**<i>x</i>**", "<b>&lt;i&gt;x&lt;/i&gt;</b>"},
		{"2 ** 3 = 8", "2 ** 3 = 8"},                 // unpaired stays literal
		{"**a** b ** c", "<b>a</b> b ** c"},          // third marker unpaired
		{"**đậm\nsang dòng**", "**đậm\nsang dòng**"}, // never spans lines
		{"****", ""}, // empty bold dropped
		{"• Mục 1\n1. Bước một", "• Mục 1\n1. Bước một"}, // lists as written
		{"https://a.vn/x?a=1&b=<2>", "https://a.vn/x?a=1&amp;b=&lt;2&gt;"},
		{"dòng\r\nmới", "dòng\nmới"},
		{"a\xffb", "a\uFFFDb"},
		{"<b>không phải thẻ</b>", "&lt;b&gt;không phải thẻ&lt;/b&gt;"},
	}
	for _, tt := range tests {
		if got := RenderHTML(tt.in); got != tt.want {
			t.Errorf("RenderHTML(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// checkChunks verifies the invariants of SplitHTML's output.
func checkChunks(t *testing.T, chunks []string, limit int) {
	t.Helper()
	for i, c := range chunks {
		if u := units16(c); u > limit {
			t.Errorf("chunk %d has %d UTF-16 units > %d", i, u, limit)
		}
		if !utf8.ValidString(c) {
			t.Errorf("chunk %d cuts a character", i)
		}
		if strings.Count(c, "<b>") != strings.Count(c, "</b>") {
			t.Errorf("chunk %d has unbalanced tags: %q", i, c)
		}
		open := false
		for rest := c; rest != ""; {
			tok := nextToken(rest)
			rest = rest[len(tok):]
			switch {
			case tok == "<b>" && open, tok == "</b>" && !open:
				t.Errorf("chunk %d nests or misorders tags", i)
			case tok == "<b>", tok == "</b>":
				open = !open
			case strings.HasPrefix(tok, "&") && len(tok) == 1 && strings.Contains(c, "&amp"):
			case tok == "<" || tok == ">":
				t.Errorf("chunk %d has a bare %q (a tag cut in two)", i, tok)
			}
		}
		if strings.TrimSpace(c) == "" {
			t.Errorf("chunk %d is blank", i)
		}
	}
}

func TestSplitHTMLKeepsShortTextWhole(t *testing.T) {
	in := RenderHTML("**Tiêu đề**\n\nĐoạn một.\n• dòng")
	if got := SplitHTML(in, MaxMessageUnits); len(got) != 1 || got[0] != in {
		t.Fatalf("SplitHTML = %q", got)
	}
}

func TestSplitHTMLCutsAtParagraphsThenLines(t *testing.T) {
	var paras []string
	for i := range 30 {
		paras = append(paras, fmt.Sprintf("**Mục %d** <điều kiện> & lưu ý: %s", i, strings.TrimSpace(strings.Repeat("giấy tờ hợp lệ ", 20))))
	}
	in := RenderHTML(strings.Join(paras, "\n\n"))
	chunks := SplitHTML(in, MaxMessageUnits)
	if len(chunks) < 2 {
		t.Fatalf("%d chunks", len(chunks))
	}
	checkChunks(t, chunks, MaxMessageUnits)
	for i, c := range chunks {
		if !strings.HasPrefix(c, "<b>Mục ") {
			t.Errorf("chunk %d does not start at a paragraph: %.30q", i, c)
		}
	}
	if strings.Join(chunks, "\n\n") != in {
		t.Error("paragraph cuts lost or changed text")
	}

	// One paragraph of many lines: cut between lines.
	var lines []string
	for i := range 400 {
		lines = append(lines, fmt.Sprintf("%d. Bước %d: nộp hồ sơ tại **Bộ phận Một cửa**", i+1, i+1))
	}
	in = RenderHTML(strings.Join(lines, "\n"))
	chunks = SplitHTML(in, MaxMessageUnits)
	checkChunks(t, chunks, MaxMessageUnits)
	if strings.Join(chunks, "\n") != in {
		t.Error("line cuts lost or changed text")
	}
}

func TestSplitHTMLCutsOneHugeLine(t *testing.T) {
	// Emoji are two UTF-16 units: the limit is in units, not bytes or runes.
	in := RenderHTML("**" + strings.Repeat("😀 đậm & rõ ", 900) + "** " + strings.Repeat("x", 5000))
	chunks := SplitHTML(in, MaxMessageUnits)
	if len(chunks) < 3 {
		t.Fatalf("%d chunks", len(chunks))
	}
	checkChunks(t, chunks, MaxMessageUnits)
	if !strings.HasPrefix(chunks[1], "<b>") {
		t.Errorf("a bold span cut in two must be reopened: %.20q", chunks[1])
	}
	plain := func(s string) string {
		return strings.NewReplacer("<b>", "", "</b>", "", " ", "", "\n", "").Replace(s)
	}
	if plain(strings.Join(chunks, "")) != plain(in) {
		t.Error("text lost in cutting")
	}
}

func TestSplitHTMLSmallLimitFuzz(t *testing.T) {
	in := RenderHTML("**Giấy tờ** cần: <đơn> & 😀😀 **bản sao** CCCD\n\n" + strings.Repeat("ạ😀&<", 200))
	for limit := 64; limit < 200; limit += 7 {
		checkChunks(t, SplitHTML(in, limit), limit)
	}
}

func TestLayoutButtons(t *testing.T) {
	b := func(labels ...string) []bot.Button {
		var out []bot.Button
		for _, l := range labels {
			out = append(out, bot.Button{Label: l, Action: "a"})
		}
		return out
	}
	shape := func(rows [][]bot.Button) string {
		var s []string
		for _, r := range rows {
			s = append(s, fmt.Sprint(len(r)))
		}
		return strings.Join(s, ",")
	}
	tests := []struct {
		in   []bot.Button
		want string
	}{
		{b("Giấy tờ", "Các bước", "Lệ phí", "Thời gian", "Nơi nộp", "Làm online", "Căn cứ pháp lý", "👍 Hữu ích", "👎 Chưa đúng"), "3,3,2,1"},
		{b("Cấp đổi, cấp lại thẻ Căn cước công dân", "Đăng ký khai sinh", "Đăng ký thường trú"), "1,2"},
		{b("A", "B"), "2"},
		{append(b("Menu"), bot.Button{Label: "no action"}, bot.Button{Label: "Mở Cổng", URL: "https://x.vn"}), "2"},
		{nil, ""},
	}
	for _, tt := range tests {
		if got := shape(layoutButtons(tt.in)); got != tt.want {
			t.Errorf("layout of %d buttons = %s, want %s", len(tt.in), got, tt.want)
		}
	}
}

func TestAddressedText(t *testing.T) {
	reply := &Message{From: &User{ID: 99, IsBot: true}}
	tests := []struct {
		text  string
		reply *Message
		want  string
		ok    bool
	}{
		{"/start", nil, "/start", true},
		{"/start@DvcBot", nil, "/start@DvcBot", true},
		{"/start@weather_bot", nil, "", false},
		{"@dvcbot lệ phí hộ chiếu", nil, "lệ phí hộ chiếu", true},
		{"hỏi @DVCBOT: lệ phí?", nil, "hỏi : lệ phí?", true},
		{"@dvcbot_fan chào", nil, "", false},
		{"email a@dvcbot.vn", nil, "", false}, // inside a word: not a mention
		{"(@dvcbot) giúp với", nil, "() giúp với", true},
		{"đăng ký kết hôn", reply, "đăng ký kết hôn", true},
		{"chào cả nhà", nil, "", false},
	}
	for _, tt := range tests {
		got, ok := addressedText(&Message{Text: tt.text, ReplyToMessage: tt.reply}, "dvcbot", 99)
		if got != tt.want || ok != tt.ok {
			t.Errorf("addressedText(%q) = %q, %v; want %q, %v", tt.text, got, ok, tt.want, tt.ok)
		}
	}
}
