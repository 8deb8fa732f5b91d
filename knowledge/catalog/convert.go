package catalog

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/dvcbot/dvcbot/knowledge"
	"github.com/dvcbot/dvcbot/knowledge/vntext"
)

// codePattern is the shape of a national procedure code (1.001193, 2.000986,
// or a province's 1.001193.000.00.00.H29); it mirrors knowledge's check.
var codePattern = regexp.MustCompile(`^[0-9]{1,2}\.[0-9]{3,6}(?:\.[0-9A-Za-z.]+)?$`)

// Convert turns a record into a cleaned, valid official procedure. withdrawn is
// true when the record says it is no longer in force ("Hết hiệu lực"). The
// error says what makes the record unusable (every problem, each naming its
// field).
func Convert(r Record) (p knowledge.Procedure, withdrawn bool, err error) {
	code := vntext.Clean(string(r.Code))
	switch {
	case code == "":
		return p, false, errors.New("code (Mã thủ tục) is required")
	case !codePattern.MatchString(code):
		return p, false, fmt.Errorf("code (Mã thủ tục) must look like 1.001193, got %q", Truncate(code, 40))
	}
	withdrawn, err = parseStatus(string(r.Status))
	if err != nil {
		return p, false, err
	}
	p = knowledge.Procedure{
		ID:             IDFor(code),
		Kind:           knowledge.KindOfficial,
		NationalCode:   code,
		Title:          cleanLine(string(r.Name), maxTitle),
		Field:          cleanLine(string(r.Field), maxTitle),
		Level:          cleanLevels(r.Level),
		Agency:         cleanText(string(r.Agency), maxTitle*4, false),
		Subjects:       cleanText(string(r.Subjects), maxText, false),
		Documents:      cleanDocuments(r.Documents),
		Steps:          cleanSteps(r.Steps),
		ProcessingTime: cleanText(string(r.ProcessingTime), maxText, false),
		Fees:           cleanFees(string(r.Fees)),
		Result:         cleanText(string(r.Result), maxText, false),
		Conditions:     cleanText(string(r.Conditions), maxText, true),
		LegalBasis:     cleanList(r.LegalBasis),
		Source:         cleanURL(string(r.URL)),
	}
	p.Agency = strings.ReplaceAll(p.Agency, "\n", "; ")
	if p.Title == "" {
		return p, withdrawn, errors.New("name (Tên thủ tục) is required")
	}
	applyMethods(&p, r.Methods)
	p.Summary = summary(p)
	if err := p.Validate(); err != nil {
		return p, withdrawn, err
	}
	return p, withdrawn, nil
}

// parseStatus reads "Tình trạng hiệu lực": empty or in force → false; no
// longer in force → true; anything else is an error.
func parseStatus(s string) (bool, error) {
	switch vntext.Key(s) {
	case "", "con hieu luc", "dang hieu luc", "co hieu luc", "hieu luc", "dang ap dung", "con ap dung":
		return false, nil
	case "het hieu luc", "khong con hieu luc", "bai bo", "da bai bo", "het hieu luc thi hanh", "ngung hieu luc", "ngung ap dung", "da thay the":
		return true, nil
	}
	return false, fmt.Errorf("status (Tình trạng hiệu lực) must be Còn hiệu lực or Hết hiệu lực, got %q", Truncate(vntext.Clean(s), 60))
}

func cleanLevels(levels []string) string {
	var out []string
	seen := map[string]bool{}
	for _, l := range levels {
		for _, part := range splitLines(strings.ReplaceAll(strings.ReplaceAll(l, ";", "\n"), ",", "\n")) {
			part = cleanLine(StripNumbering(part), 60)
			if k := vntext.Key(part); part != "" && !seen[k] {
				seen[k] = true
				out = append(out, part)
			}
		}
	}
	return Truncate(strings.Join(out, ", "), maxTitle)
}

func cleanList(items []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, it := range items {
		for _, l := range splitLines(it) {
			l = cleanItem(l, maxItemText)
			if k := vntext.Key(l); l != "" && !seen[k] && len(out) < maxItems {
				seen[k] = true
				out = append(out, l)
			}
		}
	}
	return out
}

func cleanDocuments(docs []Document) []knowledge.Document {
	var out []knowledge.Document
	for _, d := range docs {
		// A name may hold several papers, one per line.
		names := splitLines(d.Name)
		for i, n := range names {
			kd := knowledge.Document{Name: cleanItem(n, maxItemText-200)}
			if i == len(names)-1 {
				kd.Copies = cleanLine(d.Copies, 100)
				kd.Form = cleanLine(d.Form, 200)
				kd.Note = cleanLine(d.Note, 200)
			}
			if kd.Name != "" && len(out) < maxItems {
				out = append(out, kd)
			}
		}
	}
	return out
}

// stepMarker finds "Bước N" inside a line, where one line holds several steps.
var stepMarker = regexp.MustCompile(`(?i)(?:^|\s)bước\s*\d{1,2}\s*[:.)\-–]`)

// cleanSteps splits "Trình tự thực hiện" into clean steps. When the text is
// organised by "Bước N", each step keeps the lines under it (their bullets
// joined with "; "); otherwise each line is a step. Numbering and legal
// preambles are removed.
func cleanSteps(raw []string) []string {
	var lines []string
	for _, it := range raw {
		for _, l := range splitLines(it) {
			l = vntext.Clean(l)
			var locs [][]int
			if hasStepWord(l) {
				locs = stepMarker.FindAllStringIndex(l, -1)
			}
			if len(locs) < 2 {
				lines = append(lines, l)
				continue
			}
			if locs[0][0] > 0 {
				lines = append(lines, l[:locs[0][0]])
			}
			for i, loc := range locs {
				end := len(l)
				if i+1 < len(locs) {
					end = locs[i+1][0]
				}
				lines = append(lines, strings.TrimSpace(l[loc[0]:end]))
			}
		}
	}
	grouped := false
	for _, l := range lines {
		if isStepHead(l) {
			grouped = true
			break
		}
	}
	var steps []string
	for _, l := range lines {
		head := isStepHead(l)
		l = StripPreamble(StripNumbering(l))
		if l == "" || IsPlaceholder(l) {
			continue
		}
		if grouped && !head && len(steps) > 0 {
			prev := steps[len(steps)-1]
			sep := "; "
			if strings.HasSuffix(prev, ":") || strings.HasSuffix(prev, ".") || strings.HasSuffix(prev, ";") {
				sep = " "
			}
			steps[len(steps)-1] = prev + sep + l
			continue
		}
		steps = append(steps, capitalize(l))
	}
	out := steps[:0]
	for _, s := range steps {
		s = inlineBullet.ReplaceAllString(s, "$1 ")
		if s = Truncate(s, maxItemText); s != "" && len(out) < maxItems {
			out = append(out, s)
		}
	}
	return out
}

// inlineBullet is a bullet inside a line, after the punctuation that ends the
// previous item ("…: - Nộp trực tiếp; - Nộp qua bưu chính").
var inlineBullet = regexp.MustCompile(`([:;.])\s+[-+•*–]\s+`)

// hasStepWord is a cheap test for "bước" (any case) before the regexp runs.
func hasStepWord(l string) bool {
	return strings.Contains(l, "ước") || strings.Contains(l, "ƯỚC")
}

func isStepHead(l string) bool {
	return strings.HasPrefix(vntext.Fold(StripBullets(l)), "buoc ")
}

// StripBullets removes leading bullet characters only ("- ", "+ ", "• ").
func StripBullets(s string) string {
	return strings.TrimLeft(s, "-+*•·▪►▸○●◦–—> \t")
}

// cleanFees reads "Phí, lệ phí": "Không" (and the like) means nothing is
// charged, which citizens want to know, so it becomes an explicit amount 0.
func cleanFees(s string) knowledge.Fees {
	switch vntext.Key(s) {
	case "khong", "khong co", "khong thu", "khong thu phi", "mien phi", "mien", "khong thu phi le phi", "0", "0 dong":
		zero := int64(0)
		return knowledge.Fees{Amount: &zero, Text: "Không thu phí, lệ phí."}
	}
	return knowledge.Fees{Text: cleanText(s, maxText, false)}
}

func cleanURL(s string) string {
	s = vntext.Clean(s)
	if s == "" || IsPlaceholder(s) {
		return ""
	}
	if !strings.Contains(s, "://") && strings.Contains(s, ".") && !strings.ContainsAny(s, " ") {
		s = "https://" + s
	}
	return s
}

// Channels of submission (cách thức thực hiện).
const (
	channelInPerson = "Trực tiếp"
	channelOnline   = "Trực tuyến"
	channelPost     = "Dịch vụ bưu chính"
)

func channelOf(s string) string {
	k := vntext.Key(s)
	switch {
	case strings.Contains(k, "truc tuyen") || strings.Contains(k, "online") || strings.Contains(k, "dich vu cong"):
		return channelOnline
	case strings.Contains(k, "buu chinh") || strings.Contains(k, "buu dien"):
		return channelPost
	case strings.Contains(k, "truc tiep"):
		return channelInPerson
	}
	return vntext.Clean(s)
}

// applyMethods derives the online information from the channels, and fills
// processing time and fees from the per-channel values when the record has no
// overall ones.
func applyMethods(p *knowledge.Procedure, methods Methods) {
	type ch struct{ name, time, fee, note string }
	var chans []ch
	online, full := false, false
	var onlineNote string
	for _, m := range methods {
		c := ch{name: channelOf(m.Channel), time: cleanLine(StripNumbering(m.Time), 500), fee: cleanLine(m.Fee, 500), note: cleanLine(m.Note, 500)}
		if c.name == "" {
			continue
		}
		if c.name == channelOnline {
			online = true
			onlineNote = c.note
			if strings.Contains(vntext.Key(m.Channel+" "+m.Note), "toan trinh") {
				full = true
			}
		}
		chans = append(chans, c)
	}
	if len(chans) == 0 {
		return
	}
	perChannel := func(get func(ch) string) string {
		var parts []string
		same := true
		for _, c := range chans {
			v := get(c)
			if v == "" {
				continue
			}
			if len(parts) > 0 && vntext.Key(v) != vntext.Key(get(chans[0])) {
				same = false
			}
			parts = append(parts, c.name+": "+strings.TrimRight(v, ".;"))
		}
		switch {
		case len(parts) == 0:
			return ""
		case same && len(parts) == len(chans):
			return get(chans[0])
		}
		return strings.Join(parts, "\n")
	}
	if p.ProcessingTime == "" {
		p.ProcessingTime = perChannel(func(c ch) string { return c.time })
	}
	if p.Fees.Text == "" && p.Fees.Amount == nil {
		p.Fees = cleanFees(perChannel(func(c ch) string { return c.fee }))
	}
	var names []string
	for _, c := range chans {
		names = append(names, strings.ToLower(c.name))
	}
	switch {
	case full:
		p.Online = knowledge.Online{Level: "full", Text: "Có thể làm toàn trình trực tuyến trên Cổng Dịch vụ công: nộp hồ sơ, theo dõi và nhận kết quả không cần đến cơ quan."}
	case online:
		p.Online = knowledge.Online{Level: "partial", Text: "Có thể nộp hồ sơ trực tuyến trên Cổng Dịch vụ công; có bước vẫn cần đến cơ quan (nộp bản chính hoặc nhận kết quả)."}
	default:
		p.Online = knowledge.Online{Level: "none", Text: "Chưa nộp trực tuyến được; nộp " + strings.Join(names, " hoặc qua ") + "."}
	}
	if online {
		if onlineNote != "" {
			p.Online.Text += " " + strings.TrimRight(onlineNote, ".") + "."
		}
		p.Online.URL = p.Source
	}
	p.Online.Text = Truncate(p.Online.Text, maxText)
}

// summary is a short overview generated from the name, level, field, agency,
// subjects and result.
func summary(p knowledge.Procedure) string {
	var b strings.Builder
	b.WriteString(p.Title)
	b.WriteString(": thủ tục hành chính")
	if p.Level != "" {
		b.WriteString(" " + strings.ToLower(p.Level))
	}
	if p.Field != "" {
		b.WriteString(" thuộc lĩnh vực " + strings.ToLower(p.Field))
	}
	if p.Agency != "" {
		b.WriteString(", do " + firstSentence(p.Agency, 160) + " giải quyết")
	}
	b.WriteString(".")
	if p.Subjects != "" {
		b.WriteString(" Dành cho: " + lowerFirst(firstSentence(p.Subjects, 160)) + ".")
	}
	if p.Result != "" {
		b.WriteString(" Kết quả: " + lowerFirst(firstSentence(p.Result, 160)) + ".")
	}
	return Truncate(b.String(), 800)
}

// lowerFirst lower-cases the first letter unless the first word looks like a
// name or an abbreviation (a second capital letter).
func lowerFirst(s string) string {
	word, _, _ := strings.Cut(s, " ")
	r := []rune(word)
	if len(r) < 2 || strings.ToUpper(string(r[1:])) == string(r[1:]) {
		return s
	}
	return strings.ToLower(string(r[:1])) + s[len(string(r[:1])):]
}
