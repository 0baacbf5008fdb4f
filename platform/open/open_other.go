//go:build !unix && !windows

package open

// command: no browser to hand URLs to (plan9, js, wasip1).
func command(string) (string, []string) { return "", nil }
