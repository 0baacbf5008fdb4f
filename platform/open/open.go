// Package open opens web pages in the user's browser, for the screen-pop
// of core/cti: xdg-open on Linux and the BSDs, open on macOS, the URL
// protocol handler on Windows.
package open

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os/exec"
	"time"

	"github.com/softphone/softphone/core/cti"
)

// waitDelay bounds the wait for the opener's output once it exited or was
// killed: a browser it started may hold it open.
const waitDelay = 500 * time.Millisecond

// Browser is the Opener of this system's browser.
func Browser() cti.Opener { return browser{} }

type browser struct{}

// Open hands url to the system's opener and waits for it no longer than
// ctx allows; at the end of ctx the opener is killed (not the browser it
// may have started). Only http and https URLs are opened: the openers
// also take file names and other schemes.
func (browser) Open(ctx context.Context, target string) error {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("open: not an http or https URL")
	}
	name, args := command(target)
	if name == "" {
		return fmt.Errorf("open: %w on this system", errors.ErrUnsupported)
	}
	cmd := exec.CommandContext(ctx, name, args...)
	stderr := &cti.Head{Max: 256}
	cmd.Stderr = stderr
	cmd.WaitDelay = waitDelay
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("open: %s: %w", name, ctx.Err())
		}
		if s := stderr.String(); s != "" {
			return fmt.Errorf("open: %s: %w: %s", name, err, s)
		}
		return fmt.Errorf("open: %s: %w", name, err)
	}
	return nil
}
