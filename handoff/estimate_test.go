package handoff

import (
	"math"
	"math/rand"
	"sort"
	"testing"
	"time"
)

func TestEstimate(t *testing.T) {
	six := []time.Duration{6 * time.Minute, 6 * time.Minute, 6 * time.Minute}
	cases := []struct {
		name string
		in   EstimateInput
		want time.Duration
	}{
		{"a free officer answers at once", EstimateInput{Ahead: 0, Agents: 2, Busy: 1, Handling: six}, 0},
		{"all busy, first in line: half a conversation", EstimateInput{Ahead: 0, Agents: 2, Busy: 2, Handling: six}, 3 * time.Minute},
		{"four ahead, two officers", EstimateInput{Ahead: 4, Agents: 2, Busy: 2, Handling: six}, 15 * time.Minute},
		{"nobody seen working counts as one officer", EstimateInput{Ahead: 1, Agents: 0, Busy: 0, Handling: six}, 3 * time.Minute},
		{"no history: the default handling time", EstimateInput{Ahead: 0, Agents: 1, Busy: 1}, DefaultHandling / 2},
	}
	for _, c := range cases {
		if got := Estimate(c.in); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// TestWaitEstimateOnASimulatedDay replays a working day of handoff traffic
// (arrivals peaking mid-morning and mid-afternoon, three officers, handling
// times drawn from a log-normal distribution around 6 minutes) through a
// first-come-first-served queue, estimates each citizen's wait with only what
// the desk knows at that moment (queue, busy officers, handling times of the
// conversations closed so far), and compares it with the wait that followed.
// The figures are reported; the test fails only if the estimate is useless.
func TestWaitEstimateOnASimulatedDay(t *testing.T) {
	rng := rand.New(rand.NewSource(20261201))
	const agents = 3
	// Arrival rate per hour over the day (07:30–17:00, with the lunch break closed).
	rate := func(h float64) float64 {
		switch {
		case h < 8.5:
			return 14
		case h < 10.5:
			return 28 // morning peak: above capacity for a while
		case h < 11.5:
			return 18
		case h < 13.5:
			return 0
		case h < 15.5:
			return 24
		default:
			return 12
		}
	}
	var arrivals []time.Duration
	for h := 7.5; h < 17; {
		r := rate(h)
		if r == 0 {
			h = 13.5
			continue
		}
		h += rng.ExpFloat64() / r
		if h < 17 && !(h >= 11.5 && h < 13.5) {
			arrivals = append(arrivals, time.Duration(h*float64(time.Hour)))
		}
	}
	handling := func() time.Duration {
		return time.Duration(math.Exp(math.Log(6)+0.5*rng.NormFloat64()) * float64(time.Minute))
	}
	free := make([]time.Duration, agents) // when each officer is free again
	var closed []struct{ at, took time.Duration }
	var pendingStarts []time.Duration // service start of each citizen so far
	var absErr, actualSum []float64
	within := 0
	for _, at := range arrivals {
		// What the desk knows at this moment.
		in := EstimateInput{Agents: agents}
		for _, f := range free {
			if f > at {
				in.Busy++
			}
		}
		// Waiting citizens ahead: those who arrived earlier and are not yet served.
		for _, w := range pendingStarts {
			if w > at {
				in.Ahead++
			}
		}
		var hist []time.Duration
		for i := len(closed) - 1; i >= 0; i-- {
			if closed[i].at <= at {
				hist = append(hist, closed[i].took)
			}
		}
		in.Handling = hist
		est := Estimate(in)
		// Serve: the officer free first takes the citizen.
		sort.Slice(free, func(i, j int) bool { return free[i] < free[j] })
		start := at
		if free[0] > at {
			start = free[0]
		}
		took := handling()
		free[0] = start + took
		pendingStarts = append(pendingStarts, start)
		closed = append(closed, struct{ at, took time.Duration }{start + took, took})
		sort.Slice(closed, func(i, j int) bool { return closed[i].at < closed[j].at })
		actual := start - at
		e := math.Abs(est.Minutes() - actual.Minutes())
		absErr = append(absErr, e)
		actualSum = append(actualSum, actual.Minutes())
		if e <= math.Max(3, 0.5*actual.Minutes()) {
			within++
		}
	}
	mae, meanWait := avg(absErr), avg(actualSum)
	sort.Float64s(absErr)
	p90 := absErr[len(absErr)*9/10]
	t.Logf("simulated day: %d requests, 3 officers; actual wait mean %.1f min; estimate error: mean %.1f min, median %.1f, p90 %.1f; within max(3 min, 50%%) for %d%%",
		len(arrivals), meanWait, mae, absErr[len(absErr)/2], p90, within*100/len(arrivals))
	if mae > math.Max(5, meanWait) {
		t.Fatalf("the estimate is no better than guessing: mean error %.1f min for a mean wait of %.1f", mae, meanWait)
	}
}

func avg(v []float64) float64 {
	t := 0.0
	for _, x := range v {
		t += x
	}
	return t / float64(len(v))
}
