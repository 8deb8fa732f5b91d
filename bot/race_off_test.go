//go:build !race

package bot_test

// raceDetector: see race_on_test.go.
const raceDetector = false
