package offices

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Asia/Ho_Chi_Minh everywhere, also in distroless images

	"github.com/dvcbot/dvcbot/knowledge/vntext"
)

// Vietnam is the time zone of every desk.
var Vietnam = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		return time.FixedZone("ICT", 7*3600)
	}
	return loc
}()

// Hours are the opening hours of a desk: for each weekday, its open intervals.
type Hours struct {
	days [7][]span // indexed by time.Weekday
}

// span is an interval of minutes since midnight, [from, to).
type span struct{ from, to int }

// ParseHours reads opening hours written as groups separated by ";", each a
// day spec and one or more time ranges separated by ",":
//
//	T2-T6 07:30-11:30,13:30-17:00; T7 07:30-11:30
//
// Days are T2 (Monday) … T7 (Saturday) and CN (Sunday), as a single day, a
// range ("T2-T6") or a list ("T2,T4,T6"); "Thứ 2", "thu 2" and "Chủ nhật"
// are read too, and so are English names ("Mon-Fri", "Sat"). Times are "07:30", "7:30", "7h30" or "7h". Days not listed
// are closed. Public holidays are not modelled.
func ParseHours(s string) (Hours, error) {
	var h Hours
	s = strings.TrimSpace(s)
	if s == "" {
		return h, errors.New("no opening hours")
	}
	found := false
	s = replaceEnglishDays(s)
	for _, group := range strings.Split(s, ";") {
		group = normalizeDayWords(strings.TrimSpace(group))
		if group == "" {
			continue
		}
		daySpec, times, ok := strings.Cut(group, " ")
		if !ok {
			return h, fmt.Errorf("%q: write the days then the times, e.g. \"T2-T6 07:30-11:30,13:30-17:00; T7 07:30-11:30\"", group)
		}
		days, err := parseDays(daySpec)
		if err != nil {
			return h, err
		}
		var spans []span
		for _, r := range strings.Split(strings.ReplaceAll(times, " ", ""), ",") {
			if r == "" {
				continue
			}
			a, b, ok := strings.Cut(r, "-")
			if !ok {
				return h, fmt.Errorf("%q: a time range is written 07:30-11:30", r)
			}
			from, err1 := parseClock(a)
			to, err2 := parseClock(b)
			if err := errors.Join(err1, err2); err != nil {
				return h, err
			}
			if to <= from {
				return h, fmt.Errorf("%q: the range ends before it starts", r)
			}
			spans = append(spans, span{from, to})
		}
		if len(spans) == 0 {
			return h, fmt.Errorf("%q: no time range", group)
		}
		for _, d := range days {
			h.days[d] = append(h.days[d], spans...)
			found = true
		}
	}
	if !found {
		return h, errors.New("no opening hours")
	}
	for d := range h.days {
		sortSpans(h.days[d])
	}
	return h, nil
}

// englishDays matches English day names ("Mon", "Friday"), which are read as
// T2…CN ("Mon-Fri 07:30-11:30").
var englishDays = regexp.MustCompile(`(?i)\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*\b`)

var englishDay = map[string]string{"mon": "T2", "tue": "T3", "wed": "T4", "thu": "T5", "fri": "T6", "sat": "T7", "sun": "CN"}

// replaceEnglishDays rewrites English day names as T2…CN, except "thu"
// followed by a day number 2–7 ("thu 2"), which is Vietnamese "thứ" typed
// without accents ("Thu 08:00" is Thursday).
func replaceEnglishDays(s string) string {
	var b strings.Builder
	last := 0
	for _, m := range englishDays.FindAllStringIndex(s, -1) {
		rest := strings.TrimLeft(s[m[1]:], " ")
		if m[1]-m[0] == 3 && strings.EqualFold(s[m[0]:m[1]], "thu") && len(rest) > 0 && rest[0] >= '2' && rest[0] <= '7' &&
			(len(rest) == 1 || !strings.ContainsRune("0123456789:hH", rune(rest[1]))) {
			continue // "thu 2": Vietnamese
		}
		b.WriteString(s[last:m[0]])
		b.WriteString(englishDay[strings.ToLower(s[m[0]:m[0]+3])])
		last = m[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

// normalizeDayWords turns "Thứ 2" into "T2" and "Chủ nhật" into "CN" so the
// day spec is one word.
func normalizeDayWords(s string) string {
	f := vntext.Fold(s)
	if len(f) != len(s) { // diacritics: fold (times and digits are ASCII anyway)
		s = f
	}
	r := strings.NewReplacer("thu ", "t", "Thu ", "t", "chu nhat", "cn", "Chu nhat", "cn", " - ", "-", " , ", ",", ", ", ",")
	return strings.TrimSpace(r.Replace(s))
}

var dayNames = map[string]time.Weekday{
	"t2": time.Monday, "t3": time.Tuesday, "t4": time.Wednesday, "t5": time.Thursday,
	"t6": time.Friday, "t7": time.Saturday, "cn": time.Sunday,
}

// parseDays reads "T2-T6", "T2,T4" or "CN".
func parseDays(spec string) ([]time.Weekday, error) {
	var out []time.Weekday
	for _, part := range strings.Split(strings.ToLower(spec), ",") {
		a, b, isRange := strings.Cut(part, "-")
		da, ok := dayNames[a]
		if !ok {
			return nil, fmt.Errorf("%q: days are T2…T7 and CN", spec)
		}
		if !isRange {
			out = append(out, da)
			continue
		}
		db, ok := dayNames[b]
		if !ok {
			return nil, fmt.Errorf("%q: days are T2…T7 and CN", spec)
		}
		// Monday-based order so that "T2-CN" works.
		ia, ib := (int(da)+6)%7, (int(db)+6)%7
		if ib < ia {
			return nil, fmt.Errorf("%q: a range of days goes from T2 towards CN", spec)
		}
		for i := ia; i <= ib; i++ {
			out = append(out, time.Weekday((i+1)%7))
		}
	}
	return out, nil
}

// parseClock reads "07:30", "7:30", "7h30", "7h" or "7" as minutes since midnight.
func parseClock(s string) (int, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	hh, mm, _ := strings.Cut(strings.Replace(s, "h", ":", 1), ":")
	h, err := strconv.Atoi(hh)
	m := 0
	if err == nil && mm != "" {
		m, err = strconv.Atoi(mm)
	}
	if err != nil || h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m > 0) {
		return 0, fmt.Errorf("%q is not a time of day (write 07:30)", s)
	}
	return h*60 + m, nil
}

func sortSpans(s []span) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j].from < s[j-1].from; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// Status is whether a desk is open at a moment and when that changes.
type Status struct {
	Open bool
	// Change is when the desk closes (Open) or next opens (!Open), in Vietnam
	// time; zero when it never opens.
	Change time.Time
}

// At returns the status at t (any zone; read in Vietnam time).
func (h Hours) At(t time.Time) Status {
	t = t.In(Vietnam)
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, Vietnam)
	min := t.Hour()*60 + t.Minute()
	for _, sp := range h.days[t.Weekday()] {
		if min >= sp.from && min < sp.to {
			return Status{Open: true, Change: at(day, sp.to)}
		}
	}
	for d := 0; d < 8; d++ {
		date := day.AddDate(0, 0, d)
		for _, sp := range h.days[date.Weekday()] {
			if d > 0 || sp.from > min {
				return Status{Change: at(date, sp.from)}
			}
		}
	}
	return Status{}
}

func at(day time.Time, minutes int) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), minutes/60, minutes%60, 0, 0, Vietnam)
}

var weekdayVi = [7]string{"Chủ nhật", "thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy"}

// Describe says the status in Vietnamese, relative to now: "Đang mở cửa (đến
// 11:30)" or "Đã đóng cửa, mở lại lúc 13:30 hôm nay" / "… 07:30 ngày mai
// (thứ Ba)" / "… 07:30 thứ Hai, 08/12".
func (s Status) Describe(now time.Time) string {
	now = now.In(Vietnam)
	if s.Open {
		return "Đang mở cửa (đến " + s.Change.Format("15:04") + ")"
	}
	if s.Change.IsZero() {
		return "Đã đóng cửa"
	}
	c := s.Change.In(Vietnam)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, Vietnam)
	days := int(time.Date(c.Year(), c.Month(), c.Day(), 0, 0, 0, 0, Vietnam).Sub(today).Hours()+1) / 24
	when := c.Format("15:04")
	switch days {
	case 0:
		when += " hôm nay"
	case 1:
		when += " ngày mai (" + weekdayVi[c.Weekday()] + ")"
	default:
		when += " " + weekdayVi[c.Weekday()] + ", " + c.Format("02/01")
	}
	return "Đã đóng cửa, mở lại lúc " + when
}

// String writes the hours for citizens: "Thứ 2–Thứ 6: 07:30–11:30, 13:30–17:00;
// Thứ 7: 07:30–11:30".
func (h Hours) String() string {
	short := [7]string{"CN", "Thứ 2", "Thứ 3", "Thứ 4", "Thứ 5", "Thứ 6", "Thứ 7"}
	key := func(d time.Weekday) string {
		var parts []string
		for _, sp := range h.days[d] {
			parts = append(parts, clock(sp.from)+"–"+clock(sp.to))
		}
		return strings.Join(parts, ", ")
	}
	var groups []string
	order := []time.Weekday{1, 2, 3, 4, 5, 6, 0}
	for i := 0; i < len(order); {
		k := key(order[i])
		j := i
		for j+1 < len(order) && key(order[j+1]) == k {
			j++
		}
		if k != "" {
			days := short[order[i]]
			if j > i {
				days += "–" + short[order[j]]
			}
			groups = append(groups, days+": "+k)
		}
		i = j + 1
	}
	return strings.Join(groups, "; ")
}

func clock(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }
