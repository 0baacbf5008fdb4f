package secure

import (
	"errors"
	"fmt"
	"strings"
)

// ErrBadSetup: an a=setup value that makes no DTLS role (RFC 4145, 5763).
var ErrBadSetup = errors.New("secure: bad a=setup")

// AnswerSetup gives our a=setup answer to the remote offer's value, and
// whether we are the DTLS client: "actpass" and "passive" make us
// "active" (client), "active" makes us "passive". An offer without
// a=setup means "active" (RFC 4145 section 4).
func AnswerSetup(remoteOffer string) (ours string, client bool, err error) {
	switch v := strings.ToLower(strings.TrimSpace(remoteOffer)); v {
	case "actpass", "passive":
		return "active", true, nil
	case "active", "":
		return "passive", false, nil
	}
	return "", false, fmt.Errorf("%w: offer says %q", ErrBadSetup, remoteOffer)
}

// OffererRole tells an offerer, which sent "actpass", whether it is the
// DTLS client: it is iff the answer says "passive". An answer without
// a=setup means "passive" (RFC 4145 section 4).
func OffererRole(remoteAnswer string) (client bool, err error) {
	switch v := strings.ToLower(strings.TrimSpace(remoteAnswer)); v {
	case "passive", "":
		return true, nil
	case "active":
		return false, nil
	}
	return false, fmt.Errorf("%w: answer says %q", ErrBadSetup, remoteAnswer)
}
