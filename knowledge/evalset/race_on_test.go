//go:build race

package evalset_test

// raceDetector reports whether the tests run under the race detector, which
// makes every engine turn many times slower: the floors then check the
// development set only, and .ci/run checks them all in a run without it.
const raceDetector = true
