//go:build race

package store_test

// raceEnabled: the race detector slows imports about tenfold, so the large
// catalogue tests shrink under it.
const raceEnabled = true
