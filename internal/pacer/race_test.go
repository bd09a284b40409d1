//go:build race

package pacer

// raceEnabled: the race detector makes the simulations about 20 times
// slower, so they run their corner cases only.
const raceEnabled = true
