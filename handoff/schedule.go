package handoff

import (
	"fmt"
	"strings"
	"time"

	"github.com/dvcbot/dvcbot/offices"
)

// DefaultOfficeHours are the officers' working hours when none are configured.
const DefaultOfficeHours = "Mon-Fri 07:30-11:30,13:30-17:00"

// Schedule is when officers answer: weekly hours in Vietnam time, minus
// public holidays.
type Schedule struct {
	hours    offices.Hours
	text     string
	holidays map[string]bool // "2006-01-02" in Vietnam time
	set      bool
}

// ParseSchedule reads hours written like DVCBOT_OFFICE_HOURS
// ("Mon-Fri 07:30-11:30,13:30-17:00", Vietnamese day names work too) and
// holidays as dates "2026-01-01" separated by commas or spaces.
func ParseSchedule(hours, holidays string) (Schedule, error) {
	if strings.TrimSpace(hours) == "" {
		hours = DefaultOfficeHours
	}
	h, err := offices.ParseHours(hours)
	if err != nil {
		return Schedule{}, fmt.Errorf("office hours: %w", err)
	}
	s := Schedule{hours: h, text: h.String(), holidays: map[string]bool{}, set: true}
	for _, d := range strings.FieldsFunc(holidays, func(r rune) bool { return r == ',' || r == ' ' || r == ';' || r == '\n' }) {
		t, err := time.ParseInLocation("2006-01-02", d, offices.Vietnam)
		if err != nil {
			return Schedule{}, fmt.Errorf("holiday %q: write dates as 2026-01-01", d)
		}
		s.holidays[t.Format("2006-01-02")] = true
	}
	return s, nil
}

// MustSchedule is ParseSchedule for constant input.
func MustSchedule(hours, holidays string) Schedule {
	s, err := ParseSchedule(hours, holidays)
	if err != nil {
		panic(err)
	}
	return s
}

// At says whether officers work at t and when that changes (the next opening
// skips holidays). A zero Schedule is always open.
func (s Schedule) At(t time.Time) offices.Status {
	if !s.set {
		return offices.Status{Open: true}
	}
	t = t.In(offices.Vietnam)
	if !s.holidays[t.Format("2006-01-02")] {
		if st := s.hours.At(t); st.Open {
			return st
		}
	}
	// Closed now: find the next opening that is not on a holiday.
	probe := t
	for i := 0; i < 60; i++ {
		st := s.hours.At(probe)
		if st.Open {
			probe = st.Change // skip past this open span
			continue
		}
		if st.Change.IsZero() {
			return offices.Status{}
		}
		if !s.holidays[st.Change.Format("2006-01-02")] {
			return offices.Status{Change: st.Change}
		}
		// A holiday: look from the end of that day.
		d := st.Change
		probe = time.Date(d.Year(), d.Month(), d.Day(), 23, 59, 0, 0, offices.Vietnam)
	}
	return offices.Status{}
}

// String writes the hours for citizens.
func (s Schedule) String() string { return s.text }

var vietnamTime = offices.Vietnam
