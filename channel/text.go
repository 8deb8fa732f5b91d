package channel

import (
	"strings"
	"unicode/utf8"
)

// PlainText is the engine's markup (see bot.Reply) for platforms without
// formatting: "**" markers dropped, line breaks normalised, invalid UTF-8
// replaced. Lists and bare links read well as they are.
func PlainText(text string) string {
	text = strings.ToValidUTF8(text, "\uFFFD")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	return strings.ReplaceAll(text, "**", "")
}

// Split cuts text into chunks of at most limit characters (runes), filling each
// with whole paragraphs, then whole lines, and cutting a single over-long line
// at a space (or, without one, between characters). Blank chunks are dropped.
func Split(text string, limit int) []string {
	if limit < 16 {
		limit = 16
	}
	n := utf8.RuneCountInString
	var chunks []string
	var cur strings.Builder
	curLen := 0
	add := func(piece, sep string) {
		switch {
		case cur.Len() == 0:
		case curLen+n(sep)+n(piece) <= limit:
			cur.WriteString(sep)
			curLen += n(sep)
		default:
			chunks = append(chunks, cur.String())
			cur.Reset()
			curLen = 0
		}
		cur.WriteString(piece)
		curLen += n(piece)
	}
	for _, para := range strings.Split(text, "\n\n") {
		if n(para) <= limit {
			add(para, "\n\n")
			continue
		}
		for i, line := range strings.Split(para, "\n") {
			sep := "\n"
			if i == 0 {
				sep = "\n\n"
			}
			if n(line) <= limit {
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

// splitLine cuts one line into pieces of at most limit runes, at the last space
// in the second half of a piece when there is one.
func splitLine(line string, limit int) []string {
	var pieces []string
	r := []rune(line)
	for len(r) > limit {
		cut := limit
		for i := limit; i > limit/2; i-- {
			if r[i] == ' ' {
				cut = i
				break
			}
		}
		pieces = append(pieces, string(r[:cut]))
		r = r[cut:]
		for len(r) > 0 && r[0] == ' ' {
			r = r[1:]
		}
	}
	if len(r) > 0 {
		pieces = append(pieces, string(r))
	}
	return pieces
}

// Truncate shortens s to at most limit runes, ending with "…" when cut.
func Truncate(s string, limit int) string {
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	r := []rune(s)
	return string(r[:limit-1]) + "…"
}
