//go:build race

package bot_test

// raceDetector reports whether the tests run under the race detector, which
// makes every engine turn many times slower: sweeps over all held-out
// questions then read a sample (the full sweep runs without it).
const raceDetector = true
