package core

import (
	"time"

	"github.com/softphone/softphone/core/transfer"
)

// WithTransferTimeouts shortens how long a transfer of ours waits for the
// transferee's next report (idle) and its final one (max).
func WithTransferTimeouts(idle, max time.Duration) Option {
	return func(o *options) { o.transferWait = transfer.Timeouts{Idle: idle, Max: max} }
}
