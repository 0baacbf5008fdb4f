package notify

// Shared by the Windows balloon test and its Linux driver.
const (
	driverEnv    = "SOFTPHONE_NOTIFY_DRIVER"
	balloonTitle = "Incoming call"
	balloonBody  = "Bob Builder <sip:bob@example.com>"
)
