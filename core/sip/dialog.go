package sip

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"sync"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// DialogHandler receives what the far end does inside an established call.
// Its methods run on sipgo's goroutines and must not block for long.
type DialogHandler interface {
	// ReOffer answers a re-INVITE (hold, resume, codec change) with our SDP,
	// or an error to refuse it with 488.
	ReOffer(offer []byte) (answer []byte, err error)
	// Info delivers an in-dialog INFO (DTMF relay).
	Info(contentType string, body []byte)
	// Bye reports that the far end hung up.
	Bye()
	// Refer asks for a transfer (RFC 3515; r.Replaces set for an attended
	// one). nil accepts it: the UA answers 202 and the handler reports the
	// new call's progress with Dialog.NotifyRefer. An error refuses it: a
	// *StatusError's code, else 603 Decline.
	Refer(r Refer) error
	// ReferProgress reports a NOTIFY about a REFER we sent (Dialog.Refer).
	ReferProgress(p ReferProgress)
}

// Dialog is one established INVITE dialog, whichever side created it.
type Dialog struct {
	ua     *UA
	id     string
	client *sipgo.DialogClientSession // we called
	server *sipgo.DialogServerSession // we were called

	peer netip.AddrPort // where the far end's signalling came from at the start

	mu      sync.Mutex         // guards local, remote, handler and refer
	local   *sip.ContactHeader // our Contact in this dialog (Move changes it)
	remote  *sip.Uri           // the far end's Contact from its latest re-INVITE; nil: the first one
	handler DialogHandler
	refer   referState
}

// ID is the dialog's identifier (Call-ID and tags).
func (d *Dialog) ID() string { return d.id }

// CallID is the SIP Call-ID.
func (d *Dialog) CallID() string {
	if d.client != nil {
		return d.client.InviteRequest.CallID().Value()
	}
	return d.server.InviteRequest.CallID().Value()
}

// SetHandler routes the far end's in-dialog requests to h.
func (d *Dialog) SetHandler(h DialogHandler) {
	d.mu.Lock()
	d.handler = h
	d.mu.Unlock()
}

// SwapHandler replaces the handler with h only if it is still old: a
// transfer stands in for the call's handler while it lasts.
func (d *Dialog) SwapHandler(old, h DialogHandler) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.handler != old {
		return false
	}
	d.handler = h
	return true
}

func (d *Dialog) getHandler() DialogHandler {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.handler
}

// Context ends when the dialog ends.
func (d *Dialog) Context() context.Context {
	if d.client != nil {
		return d.client.Context()
	}
	return d.server.Context()
}

// Bye hangs up.
func (d *Dialog) Bye(ctx context.Context) error {
	defer d.ua.dialogs.Delete(d.id)
	var err error
	switch r := d.refreshedTarget(); {
	case r != nil: // the far end moved (dialog_move.go)
		err = d.byeTo(ctx, *r)
	case d.client != nil:
		err = d.client.Bye(ctx)
	default:
		err = d.server.Bye(ctx)
	}
	if err != nil {
		return fmt.Errorf("sip: bye: %w", err)
	}
	return nil
}

// ReInvite sends a new offer in the dialog (hold, resume) and returns the
// far end's answer; it acknowledges the 2xx itself.
func (d *Dialog) ReInvite(ctx context.Context, offer []byte) ([]byte, error) {
	req := sip.NewRequest(sip.INVITE, d.remoteTarget())
	req.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
	req.AppendHeader(sip.HeaderClone(d.contact()))
	req.SetBody(offer)
	res, err := d.do(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("%w: re-INVITE: %v", ErrNoResponse, err)
	}
	if !res.IsSuccess() {
		return nil, &StatusError{Code: res.StatusCode, Reason: res.Reason}
	}
	ack := sip.NewRequest(sip.ACK, req.Recipient)
	if d.client != nil {
		err = d.client.WriteRequest(ack)
	} else {
		err = d.server.WriteRequest(ack)
	}
	if err != nil {
		return nil, fmt.Errorf("sip: ack re-INVITE: %w", err)
	}
	return res.Body(), nil
}

// SendInfo sends an INFO (DTMF relay) in the dialog.
func (d *Dialog) SendInfo(ctx context.Context, contentType string, body []byte) error {
	req := sip.NewRequest(sip.INFO, d.remoteTarget())
	req.AppendHeader(sip.NewHeader("Content-Type", contentType))
	req.SetBody(body)
	res, err := d.do(ctx, req)
	if err != nil {
		return fmt.Errorf("%w: INFO: %v", ErrNoResponse, err)
	}
	if !res.IsSuccess() {
		return &StatusError{Code: res.StatusCode, Reason: res.Reason}
	}
	return nil
}

// remoteTarget is where in-dialog requests go: the far end's Contact.
func (d *Dialog) remoteTarget() sip.Uri {
	if r := d.refreshedTarget(); r != nil {
		return *r
	}
	if d.client != nil {
		return remoteTarget(d.client.InviteResponse.Contact(), d.client.InviteRequest.Recipient)
	}
	return remoteTarget(d.server.InviteRequest.Contact(), d.server.InviteRequest.Recipient)
}

// do sends an in-dialog request and waits for its final response.
func (d *Dialog) do(ctx context.Context, req *sip.Request) (*sip.Response, error) {
	if d.client != nil {
		return d.client.Do(ctx, req)
	}
	return d.server.Do(ctx, req)
}

// LocalURI is our address in the dialog (From when we called, To when we
// were called), without tag: what Referred-By carries.
func (d *Dialog) LocalURI() string {
	if d.client != nil {
		return addrURI(d.client.InviteRequest.From().Address)
	}
	return addrURI(d.server.InviteRequest.To().Address)
}

// RemoteURI is the far end's address in the dialog: where a transfer
// target is sent to reach it (an attended transfer's Refer-To).
func (d *Dialog) RemoteURI() string {
	if d.client != nil {
		return addrURI(d.client.InviteRequest.To().Address)
	}
	return addrURI(d.server.InviteRequest.From().Address)
}

// addrURI is uriString keeping the transport parameter, which a direct
// call needs to reach the address again.
func addrURI(u sip.Uri) string {
	c := sip.Uri{Scheme: u.Scheme, User: u.User, Host: u.Host, Port: u.Port}
	if c.Scheme == "" {
		c.Scheme = "sip"
	}
	if t, ok := u.UriParams.Get("transport"); ok && t != "" && validHeaderValue(t) && isToken(t) {
		c.UriParams = sip.NewParams()
		c.UriParams.Add("transport", t)
	}
	return c.String()
}

func remoteTarget(c *sip.ContactHeader, fallback sip.Uri) sip.Uri {
	if c == nil {
		return fallback
	}
	return *c.Address.Clone()
}

// StatusError is a final non-2xx answer from the far end.
type StatusError struct {
	Code   int
	Reason string
	// Contacts are a 3xx answer's Contact URIs, in the order given: where
	// the call was redirected.
	Contacts []string
}

func statusError(res *sip.Response) *StatusError {
	e := &StatusError{Code: res.StatusCode, Reason: res.Reason}
	if res.StatusCode >= 300 && res.StatusCode < 400 {
		for _, h := range res.GetHeaders("Contact") {
			if c, ok := h.(*sip.ContactHeader); ok {
				e.Contacts = append(e.Contacts, c.Address.String())
			}
		}
	}
	return e
}

func (e *StatusError) Error() string { return fmt.Sprintf("%d %s", e.Code, e.Reason) }

// dialogs indexes the established dialogs by ID for in-dialog requests,
// and counts them by the far end's signalling address: a peer we are in
// a call with is not held to the rate of strangers (shield.go).
type dialogs struct {
	m sync.Map

	mu    sync.Mutex // guards peers
	peers map[netip.AddrPort]int
}

func (ds *dialogs) Store(d *Dialog) {
	if _, loaded := ds.m.Swap(d.id, d); loaded || !d.peer.IsValid() {
		return
	}
	ds.mu.Lock()
	if ds.peers == nil {
		ds.peers = map[netip.AddrPort]int{}
	}
	ds.peers[d.peer]++
	ds.mu.Unlock()
}

func (ds *dialogs) Delete(id string) {
	v, ok := ds.m.LoadAndDelete(id)
	if !ok || !v.(*Dialog).peer.IsValid() {
		return
	}
	peer := v.(*Dialog).peer
	ds.mu.Lock()
	if ds.peers[peer]--; ds.peers[peer] <= 0 {
		delete(ds.peers, peer)
	}
	ds.mu.Unlock()
}

// inCall says whether ap is the far end of one of our dialogs.
func (ds *dialogs) inCall(ap netip.AddrPort) bool {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	return ds.peers[ap] > 0
}
func (ds *dialogs) Load(id string) *Dialog {
	if v, ok := ds.m.Load(id); ok {
		return v.(*Dialog)
	}
	return nil
}

// match finds the dialog of an in-dialog request from either side.
func (ds *dialogs) match(req *sip.Request) *Dialog {
	if id, err := sip.DialogIDFromRequestUAS(req); err == nil {
		if d := ds.Load(id); d != nil {
			return d
		}
	}
	if id, err := sip.DialogIDFromRequestUAC(req); err == nil {
		if d := ds.Load(id); d != nil {
			return d
		}
	}
	return nil
}

// handleInDialog serves BYE, INFO, ACK, re-INVITE, REFER and NOTIFY
// (transfer progress) for known dialogs.
func (u *UA) handleInDialog(req *sip.Request, tx sip.ServerTransaction) {
	d := u.dialogs.match(req)
	if d == nil {
		if req.IsAck() {
			return // ACK for a dialog already gone: nothing to answer
		}
		u.respond(tx, req, sip.StatusCallTransactionDoesNotExists, "Call/Transaction Does Not Exist", nil)
		return
	}
	switch req.Method {
	case sip.ACK:
		if d.server != nil {
			_ = d.server.ReadAck(req, tx)
		}
	case sip.BYE:
		var err error
		if d.client != nil {
			err = d.client.ReadBye(req, tx)
		} else {
			err = d.server.ReadBye(req, tx)
		}
		if errors.Is(err, sipgo.ErrDialogInvalidCseq) {
			// Out of order (CSeq below the dialog's): refused unanswered
			// by sipgo, and it must not end the call (RFC 3261 12.2.2).
			u.respond(tx, req, sip.StatusInternalServerError, "Server Internal Error", nil)
			return
		}
		if err != nil {
			u.log.Debug("sip: bye", "error", err)
		}
		// Our REFER's NOTIFYs may still come after the far end's BYE.
		if !d.deferDelete() {
			u.dialogs.Delete(d.id)
		}
		if h := d.getHandler(); h != nil {
			h.Bye()
		}
	case sip.INFO:
		u.respond(tx, req, sip.StatusOK, "OK", nil)
		if h := d.getHandler(); h != nil {
			ct := ""
			if c := req.ContentType(); c != nil {
				ct = strings.ToLower(strings.TrimSpace(c.Value()))
			}
			h.Info(ct, req.Body())
		}
	case sip.INVITE:
		h := d.getHandler()
		if h == nil {
			u.respond(tx, req, sip.StatusServiceUnavailable, "Service Unavailable", nil)
			return
		}
		answer, err := h.ReOffer(req.Body())
		if err != nil {
			u.respond(tx, req, sip.StatusNotAcceptableHere, "Not Acceptable Here", nil)
			return
		}
		d.refreshTarget(req)
		res := sip.NewSDPResponseFromRequest(req, answer)
		res.AppendHeader(sip.HeaderClone(d.contact()))
		if err := tx.Respond(res); err != nil {
			u.log.Debug("sip: answer re-INVITE", "error", err)
		}
	case sip.REFER:
		u.handleRefer(d, req, tx)
	case sip.NOTIFY:
		u.handleReferNotify(d, req, tx)
	default:
		u.respond(tx, req, sip.StatusMethodNotAllowed, "Method Not Allowed", nil)
	}
}

func (u *UA) respond(tx sip.ServerTransaction, req *sip.Request, code int, reason string, body []byte) {
	if err := tx.Respond(sip.NewResponseFromRequest(req, code, reason, body)); err != nil {
		u.log.Debug("sip: respond", "code", code, "error", err)
	}
}
