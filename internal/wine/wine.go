// Package wine tells a test whether it runs under Wine rather than on
// Windows, so that a test meeting a gap of Wine's (not of Windows') can
// skip there and still run on Windows.
package wine

import "testing"

// Skip skips t with why when it runs under Wine; elsewhere it does
// nothing.
func Skip(t testing.TB, why string) {
	t.Helper()
	if Running() {
		t.Skip("not under Wine: " + why)
	}
}

// EnvSweep is set (to 1) in the environment of the test programs the
// Windows sweep runs under Wine.
const EnvSweep = "SOFTPHONE_WINE_SWEEP"
