package handoff

import (
	"testing"
	"time"

	"github.com/dvcbot/dvcbot/offices"
)

func TestSchedule(t *testing.T) {
	s := MustSchedule("Mon-Fri 07:30-11:30,13:30-17:00", "2026-09-02, 2026-12-07")
	vn := func(y int, m time.Month, d, h, min int) time.Time {
		return time.Date(y, m, d, h, min, 0, 0, offices.Vietnam)
	}
	cases := []struct {
		name string
		at   time.Time
		open bool
		next time.Time
	}{
		{"Tuesday morning", vn(2026, 12, 1, 9, 0), true, vn(2026, 12, 1, 11, 30)},
		{"lunch break", vn(2026, 12, 1, 12, 0), false, vn(2026, 12, 1, 13, 30)},
		{"Friday evening → Monday", vn(2026, 11, 27, 18, 0), false, vn(2026, 11, 30, 7, 30)},
		{"Friday evening → Tuesday after the Monday holiday", vn(2026, 12, 4, 18, 0), false, vn(2026, 12, 8, 7, 30)},
		{"on a holiday during office hours", vn(2026, 12, 7, 9, 0), false, vn(2026, 12, 8, 7, 30)},
		{"UTC input is read in Vietnam time", time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC), true, vn(2026, 12, 1, 11, 30)},
	}
	for _, c := range cases {
		st := s.At(c.at)
		if st.Open != c.open || !st.Change.Equal(c.next) {
			t.Errorf("%s: open=%v change=%v, want open=%v change=%v", c.name, st.Open, st.Change, c.open, c.next)
		}
	}
	if _, err := ParseSchedule("Mon-Fri 7:30", ""); err == nil {
		t.Error("a time without a range must be refused")
	}
	if _, err := ParseSchedule("", "2026-13-01"); err == nil {
		t.Error("a bad holiday must be refused")
	}
	if (Schedule{}).At(time.Now()).Open != true {
		t.Error("a zero schedule is always open")
	}
}
