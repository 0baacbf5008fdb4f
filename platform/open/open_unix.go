//go:build unix && !darwin

package open

// command runs the freedesktop.org opener, which hands the URL to the
// user's chosen browser.
func command(url string) (string, []string) { return "xdg-open", []string{url} }
