package core

import "time"

// WithTransferTimeouts shortens how long a transfer of ours waits for the
// transferee's next report (idle) and its final one (max).
func WithTransferTimeouts(idle, max time.Duration) Option {
	return func(o *options) { o.transferWait = transferTimeouts{Idle: idle, Max: max} }
}
