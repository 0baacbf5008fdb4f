package open

// command runs open(1), which hands the URL to the default browser.
func command(url string) (string, []string) { return "open", []string{url} }
