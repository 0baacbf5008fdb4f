package testlab

import (
	"fmt"
	"strings"
)

// Dial calls uri (e.g. a Kamailio AoR, or another Baresip's AOR for a direct
// call). The response only says the INVITE went out: wait for
// CALL_ESTABLISHED or CALL_CLOSED.
func (b *Baresip) Dial(uri string) error {
	if uri == "" || strings.ContainsAny(uri, " \t\r\n") {
		return fmt.Errorf("dial: bad URI %q", uri)
	}
	_, err := b.Command("dial", uri)
	return err
}

// Hangup ends the current call: BYE when established, CANCEL when calling,
// "486 Rejected" for a ringing incoming call. Without a call it is a no-op.
func (b *Baresip) Hangup() error {
	_, err := b.Command("hangup", "")
	return err
}

// Accept answers the ringing incoming call (AnswerMode "manual"); with a call
// already established, that call is put on hold first.
func (b *Baresip) Accept() error {
	_, err := b.Command("accept", "")
	return err
}

// Hold puts the current call on hold (re-INVITE with a=sendonly). baresip
// raises no event for it; "listcalls" shows "(on hold)".
func (b *Baresip) Hold() error {
	_, err := b.Command("hold", "")
	return err
}

// Resume takes the current call off hold (re-INVITE with a=sendrecv).
func (b *Baresip) Resume() error {
	_, err := b.Command("resume", "")
	return err
}

// SendDTMF sends digits on the current call as RFC 4733 telephone-events
// (payload type 101, negotiated in every SDP baresip writes) with the
// "sndcode" command; all digits are queued at once, back to back. The peer
// baresip reports each with CALL_DTMF_START (Param = the digit) and
// CALL_DTMF_END.
func (b *Baresip) SendDTMF(digits string) error {
	if digits == "" || strings.Trim(digits, "0123456789*#ABCD") != "" {
		return fmt.Errorf("dtmf: bad digits %q (want 0-9, *, #, A-D)", digits)
	}
	_, err := b.Command("sndcode", digits)
	return err
}
