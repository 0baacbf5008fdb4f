package open

// command asks the shell's URL protocol handler, which starts the default
// browser; unlike "cmd /c start" no shell parses the URL.
func command(url string) (string, []string) {
	return "rundll32", []string{"url.dll,FileProtocolHandler", url}
}
