package sip

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// Party is one end of a call as SIP names it.
type Party struct {
	DisplayName string
	URI         string // sip:user@host
	User        string
}

// Incoming is a new INVITE waiting for the phone's decision.
type Incoming struct {
	ua      *UA
	req     *sip.Request
	tx      sip.ServerTransaction
	sess    *sipgo.DialogServerSession
	contact *sip.ContactHeader
	settled chan struct{} // closed once answered or rejected
	once    sync.Once

	From      Party
	To        Party
	Offer     []byte // SDP, empty for a late offer
	Transport string // "udp", "tcp", "tls"
	Source    string // host:port it came from
	// Account is the account whose registration the INVITE came through
	// ("" for a direct call): see Knock.
	Account string
}

// HandleInvites routes new incoming calls to h. Until it is set, calls are
// answered 480 Temporarily Unavailable.
func (u *UA) HandleInvites(h func(*Incoming)) {
	u.mu.Lock()
	u.onInvite = h
	u.mu.Unlock()
}

func (u *UA) handleInvite(req *sip.Request, tx sip.ServerTransaction) {
	if to := req.To(); to != nil && to.Params.Has("tag") {
		u.handleInDialog(req, tx)
		return
	}
	u.mu.Lock()
	h := u.onInvite
	u.mu.Unlock()
	if h == nil {
		u.respond(tx, req, sip.StatusTemporarilyUnavailable, "Temporarily Unavailable", nil)
		return
	}
	k, ok := u.admitted(req, tx)
	if !ok {
		return
	}
	localIP := u.Addr().IP
	if localIP == nil || localIP.IsUnspecified() {
		// Our address as seen by the caller: the one its packets reached.
		if ip, err := u.localIPFor(context.Background(), req.Source()); err == nil {
			localIP = ip
		}
	}
	transport := strings.ToLower(req.Transport())
	user := req.Recipient.User
	if user == "" {
		user = "softphone"
	}
	contact := &sip.ContactHeader{Address: sip.Uri{Scheme: "sip", User: user, Host: localIP.String(), Port: u.Port()}}
	if transport != "udp" {
		contact.Address.UriParams = sip.NewParams()
		contact.Address.UriParams.Add("transport", transport)
	}
	dua := &sipgo.DialogUA{Client: u.client, ContactHDR: *contact}
	sess, err := dua.ReadInvite(req, tx)
	if err != nil {
		u.respond(tx, req, sip.StatusBadRequest, "Bad Request", nil)
		return
	}
	in := &Incoming{ua: u, req: req, tx: tx, sess: sess, contact: contact, settled: make(chan struct{}),
		Offer: req.Body(), Transport: transport, Source: req.Source(), Account: k.Account}
	if f := req.From(); f != nil {
		in.From = Party{DisplayName: f.DisplayName, URI: uriString(f.Address), User: f.Address.User}
	}
	if t := req.To(); t != nil {
		in.To = Party{DisplayName: t.DisplayName, URI: uriString(t.Address), User: req.Recipient.User}
	}
	h(in)
	// sipgo ends the transaction when this handler returns: hold it until
	// the phone answers or rejects, or the caller gives up.
	select {
	case <-in.settled:
	case <-sess.Context().Done():
	case <-u.done:
	}
}

func (in *Incoming) settle() { in.once.Do(func() { close(in.settled) }) }

func uriString(u sip.Uri) string {
	c := sip.Uri{Scheme: u.Scheme, User: u.User, Host: u.Host, Port: u.Port}
	if c.Scheme == "" {
		c.Scheme = "sip"
	}
	return c.String()
}

// Ring sends 180 Ringing.
func (in *Incoming) Ring() error {
	if err := in.sess.Respond(sip.StatusRinging, "Ringing", nil); err != nil {
		return fmt.Errorf("sip: 180: %w", err)
	}
	return nil
}

// Header is the value of the INVITE's first header called name ("" when
// absent): Replaces, Call-Info, Referred-By...
func (in *Incoming) Header(name string) string {
	if h := in.req.GetHeader(name); h != nil {
		return h.Value()
	}
	return ""
}

// Context ends when the caller cancels or the transaction ends unanswered.
func (in *Incoming) Context() context.Context { return in.sess.Context() }

// Answer sends 200 OK with our SDP and waits for the ACK. h takes the far
// end's in-dialog requests from the start: it may re-INVITE (hold) the
// moment it has our 200.
func (in *Incoming) Answer(answer []byte, h DialogHandler) (*Dialog, error) {
	d := &Dialog{ua: in.ua, id: in.sess.ID, server: in.sess, local: in.contact, handler: h, peer: sourceOf(in.req)}
	// Stored before the 200 goes out: the far end may send INFO or BYE the
	// moment it has the answer, before its ACK reaches us.
	in.ua.dialogs.Store(d)
	defer in.settle()
	res := sip.NewSDPResponseFromRequest(in.sess.InviteRequest, answer)
	res.AppendHeader(in.contact)
	if err := in.sess.WriteResponse(res); err != nil {
		in.ua.dialogs.Delete(d.id)
		return nil, fmt.Errorf("sip: answer: %w", err)
	}
	return d, nil
}

// Reject answers with a final error (486 Busy Here, 603 Decline, 488...).
// It returns once the answer is sent: the ACK, or its absence, is the
// transaction layer's business, so a caller that never acknowledges (a
// scanner) holds up nobody.
func (in *Incoming) Reject(code int, reason string) error {
	defer in.settle()
	select {
	case <-in.sess.Context().Done():
		return fmt.Errorf("sip: reject %d: %w", code, context.Cause(in.sess.Context()))
	default:
	}
	res := sip.NewResponseFromRequest(in.req, code, reason, nil)
	res.AppendHeader(in.contact)
	if err := in.tx.Respond(res); err != nil {
		return fmt.Errorf("sip: reject %d: %w", code, err)
	}
	return nil
}

// RemoteIP is the caller's signalling address, the fallback media
// destination for peers behind NAT.
func (in *Incoming) RemoteIP() net.IP {
	host, _, err := net.SplitHostPort(in.Source)
	if err != nil {
		return nil
	}
	return net.ParseIP(host)
}
