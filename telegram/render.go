package telegram

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/dvcbot/dvcbot/bot"
)

// MaxMessageUnits is Telegram's limit on one message's text, in UTF-16 code
// units. Chunks are measured with their HTML tags and entities included, so they
// stay under it whatever Telegram counts.
const MaxMessageUnits = 4096

// RenderHTML turns the engine's markup (see bot.Reply) into Telegram's HTML
// parse mode: &, < and > are escaped everywhere, "**bold**" pairs on one line
// become <b>…</b> (an unpaired "**" stays as written), and nothing else is
// produced. List lines ("• ", "1. ") and bare links need no markup: Telegram
// shows them as written and links them itself. Invalid UTF-8 becomes U+FFFD
// (Telegram refuses it). Tags never span lines, so the result can be cut at any
// line break.
func RenderHTML(text string) string {
	text = strings.ReplaceAll(strings.ToValidUTF8(text, "\uFFFD"), "\r\n", "\n")
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		parts := strings.Split(line, "**")
		var b strings.Builder
		for j, p := range parts {
			switch {
			case j%2 == 0:
				b.WriteString(escapeHTML(p))
			case j == len(parts)-1: // odd index and last: the marker before it is unpaired
				b.WriteString("**" + escapeHTML(p))
			case p == "":
			default:
				b.WriteString("<b>" + escapeHTML(p) + "</b>")
			}
		}
		lines[i] = b.String()
	}
	return strings.Join(lines, "\n")
}

var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func escapeHTML(s string) string { return htmlEscaper.Replace(s) }

// units16 is the length of s in UTF-16 code units, as Telegram counts.
func units16(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
		if r == utf8.RuneError {
			n++ // be conservative with invalid bytes
		}
	}
	return n
}

// SplitHTML cuts rendered HTML (from RenderHTML) into chunks of at most limit
// UTF-16 units, filling each chunk with whole paragraphs, then whole lines, and
// cutting a single over-long line at a space (or, without one, between
// characters). Cuts never fall inside a tag, an entity or a character; a bold
// span cut in two is closed and reopened. Blank chunks are dropped.
func SplitHTML(html string, limit int) []string {
	if limit < 64 {
		limit = 64
	}
	var chunks []string
	var cur strings.Builder
	curUnits := 0
	add := func(piece, sep string) {
		u := units16(piece)
		switch {
		case cur.Len() == 0:
		case curUnits+units16(sep)+u <= limit:
			cur.WriteString(sep)
			curUnits += units16(sep)
		default:
			chunks = append(chunks, cur.String())
			cur.Reset()
			curUnits = 0
		}
		cur.WriteString(piece)
		curUnits += u
	}
	for _, para := range strings.Split(html, "\n\n") {
		if units16(para) <= limit {
			add(para, "\n\n")
			continue
		}
		for i, line := range strings.Split(para, "\n") {
			sep := "\n"
			if i == 0 {
				sep = "\n\n"
			}
			if units16(line) <= limit {
				add(line, sep)
				continue
			}
			for _, piece := range splitLine(line, limit) {
				add(piece, sep)
			}
		}
	}
	if cur.Len() > 0 {
		chunks = append(chunks, cur.String())
	}
	out := chunks[:0]
	for _, c := range chunks {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	return out
}

// splitLine cuts one line of rendered HTML into pieces of at most limit units.
func splitLine(line string, limit int) []string {
	budget := limit - len("</b>") - len("<b>")
	var pieces []string
	var b strings.Builder
	units, open := 0, false
	spaceAt, spaceUnits, spaceOpen := -1, 0, false
	for rest := line; rest != ""; {
		tok := nextToken(rest)
		rest = rest[len(tok):]
		u := units16(tok)
		if units+u > budget && b.Len() > 0 {
			s := b.String()
			cut, cutOpen := len(s), open
			if spaceAt > 0 && spaceUnits > budget/2 {
				cut, cutOpen = spaceAt, spaceOpen
			}
			head, tail := s[:cut], s[cut:]
			if cutOpen {
				head += "</b>"
				tail = "<b>" + tail
			}
			pieces = append(pieces, head)
			b.Reset()
			b.WriteString(tail)
			units, spaceAt = units16(tail), -1
		}
		b.WriteString(tok)
		units += u
		switch tok {
		case "<b>":
			open = true
		case "</b>":
			open = false
		case " ":
			spaceAt, spaceUnits, spaceOpen = b.Len(), units, open
		}
	}
	if b.Len() > 0 {
		pieces = append(pieces, b.String())
	}
	for i, p := range pieces {
		pieces[i] = strings.ReplaceAll(p, "<b></b>", "")
	}
	return pieces
}

// nextToken returns the first tag, entity or character of s.
func nextToken(s string) string {
	for _, t := range []string{"<b>", "</b>"} {
		if strings.HasPrefix(s, t) {
			return t
		}
	}
	if s[0] == '&' {
		if i := strings.IndexByte(s, ';'); i > 0 && i <= 6 {
			return s[:i+1]
		}
	}
	_, n := utf8.DecodeRuneInString(s)
	return s[:n]
}

// PlainText is the engine markup without markers, for the rare message Telegram
// refuses to parse as HTML.
func PlainText(text string) string { return strings.ReplaceAll(text, "**", "") }

// layoutButtons arranges buttons in rows: three short labels (≤ 12 characters)
// to a row, otherwise two; a label longer than 24 characters (a procedure
// title) gets a row of its own so that Telegram does not cut it.
func layoutButtons(buttons []bot.Button) [][]bot.Button {
	var rows [][]bot.Button
	var row []bot.Button
	flush := func() {
		if len(row) > 0 {
			rows = append(rows, row)
			row = nil
		}
	}
	capacity := func(r []bot.Button) int {
		for _, b := range r {
			if utf8.RuneCountInString(b.Label) > 12 {
				return 2
			}
		}
		return 3
	}
	for _, b := range buttons {
		if b.Label == "" || (b.Action == "" && b.URL == "") {
			continue
		}
		if utf8.RuneCountInString(b.Label) > 24 {
			flush()
			rows = append(rows, []bot.Button{b})
			continue
		}
		if len(row) >= capacity(append(row[:len(row):len(row)], b)) {
			flush()
		}
		row = append(row, b)
		if len(row) >= capacity(row) {
			flush()
		}
	}
	flush()
	return rows
}
