//go:build !((linux && !android) || windows)

package tray

import (
	"context"

	"github.com/softphone/softphone/core"
)

// Start reports that this build has no tray.
func Start(context.Context, core.Phone, ...Option) (func(), error) { return nil, ErrUnsupported }
