package core

// Notifier shows a system notification (an incoming call while the window
// is in the background). Platforms implement it: D-Bus on Linux desktops,
// the notification centres elsewhere.
type Notifier interface {
	Notify(title, body string) error
}
