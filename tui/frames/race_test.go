//go:build race

package frames

// raceDetector is whether the tests run with the race detector (long
// random tests run fewer rounds then).
const raceDetector = true
