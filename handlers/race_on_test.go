//go:build race

package handlers

// raceEnabled: the race detector slows imports about tenfold, so the large
// catalogue tests shrink under it.
const raceEnabled = true
