package journal

import (
	"context"
	"strings"
	"time"

	"github.com/softphone/softphone/core/store"
)

// LookupTimeout bounds caller ID: the call's first event waits for it.
const LookupTimeout = 300 * time.Millisecond

// Matcher is the store's caller-ID query.
type Matcher interface {
	MatchNumber(ctx context.Context, raw string) (store.Contact, bool, error)
}

// ContactName is the name of the contact owning remote (a SIP URI or
// number, as the call shows it), "" when none does or the store does not
// answer within LookupTimeout: the call goes on without a name.
func ContactName(ctx context.Context, m Matcher, remote string) string {
	if m == nil || strings.TrimSpace(remote) == "" {
		return ""
	}
	ctx, cancel := context.WithTimeout(ctx, LookupTimeout)
	defer cancel()
	c, ok, err := m.MatchNumber(ctx, remote)
	if err != nil || !ok {
		return ""
	}
	return strings.TrimSpace(c.Name)
}
