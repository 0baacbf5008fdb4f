package sip

import (
	"crypto/rand"
	"encoding/hex"
	"net/netip"
	"strings"
	"sync"

	"github.com/emiago/sipgo/sip"
)

// Who may ring the phone. A request that opens something (INVITE,
// MESSAGE, an unsolicited NOTIFY, OPTIONS) is a Knock; the phone's Admit
// function decides on it before anything is allocated for it, and a
// refusal costs one response on the transaction sipgo already made.
//
// What proves a request came through one of our registrations:
//   - primarily, a random token the registration puts in its Contact URI
//     (tokenParam): the registrar routes calls to that URI, so they carry
//     it in the Request-URI, and a scanner sweeping addresses cannot know
//     it. It works whatever address the proxy sends from (a cluster, a
//     load balancer, an outbound proxy), which the source address alone
//     does not;
//   - or the source address and port the registrar answered our REGISTER
//     from, for the registrars that rebuild the Request-URI without our
//     parameters (the scanner's port differs from the registrar's even on
//     the same host).

// tokenParam is the Contact URI parameter carrying a registration's
// token. Zoiper's name for such an instance id: proxies pass it through.
const tokenParam = "rinstance"

// Knock is an out-of-dialog request as the gate sees it.
type Knock struct {
	Method string
	Source netip.AddrPort // where it came from (the transport's peer)
	// Account is the account whose registration the request came
	// through (by our Contact token or the registrar's address), "" when
	// none did.
	Account string
	// Replaces is an INVITE's Replaces header, when it has a valid one:
	// naming a dialog of ours (attended transfer, pickup) proves as much
	// as a token, its Call-ID and tags being as hard to guess.
	Replaces *Replaces
}

// Admit decides on a knock: 0 lets it in, else the SIP status it is
// refused with (403 Forbidden, 486 Busy Here).
type Admit func(Knock) int

// gate holds what proves a request came through a registration.
type gate struct {
	mu     sync.Mutex                // guards the fields below
	tokens map[string]string         // Contact token → account
	flows  map[netip.AddrPort]string // registrar's address → account
	admit  Admit
}

func newToken() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// SetAdmit installs the phone's decision on knocks; nil admits all.
func (u *UA) SetAdmit(f Admit) {
	u.gate.mu.Lock()
	u.gate.admit = f
	u.gate.mu.Unlock()
}

// bindFlow notes that account's registration holds with token, answered
// from registrar ("" keeps the registrar unknown).
func (g *gate) bindFlow(account, token, registrar string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.tokens == nil {
		g.tokens, g.flows = map[string]string{}, map[netip.AddrPort]string{}
	}
	g.tokens[token] = account
	if ap, err := netip.ParseAddrPort(registrar); err == nil {
		g.flows[unmap(ap)] = account
	}
}

// unbindFlow forgets a registration that was removed or failed.
func (g *gate) unbindFlow(token string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	account, ok := g.tokens[token]
	if !ok {
		return
	}
	delete(g.tokens, token)
	for ap, a := range g.flows {
		if a == account {
			delete(g.flows, ap)
		}
	}
}

// trusted says whether src is a registrar we registered with.
func (g *gate) trusted(src netip.AddrPort) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	_, ok := g.flows[unmap(src)]
	return ok
}

// carriesToken says whether line (a request's first line) holds one of
// our tokens: cheap enough to run before parsing.
func (g *gate) carriesToken(line []byte) bool {
	i := strings.Index(string(line), tokenParam+"=")
	if i < 0 {
		return false
	}
	v := string(line[i+len(tokenParam)+1:])
	if j := strings.IndexAny(v, ";> ?"); j >= 0 {
		v = v[:j]
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	_, ok := g.tokens[v]
	return ok
}

// knock is what the gate knows of req.
func (u *UA) knock(req *sip.Request) Knock {
	k := Knock{Method: string(req.Method)}
	k.Source, _ = netip.ParseAddrPort(req.Source())
	k.Source = unmap(k.Source)
	u.gate.mu.Lock()
	if v, ok := req.Recipient.UriParams.Get(tokenParam); ok {
		k.Account = u.gate.tokens[v]
	}
	if k.Account == "" {
		k.Account = u.gate.flows[k.Source]
	}
	u.gate.mu.Unlock()
	if req.Method == sip.INVITE {
		if h := req.GetHeader("Replaces"); h != nil {
			if r, err := ParseReplaces(h.Value()); err == nil {
				k.Replaces = &r
			}
		}
	}
	return k
}

// admitted runs the phone's Admit on req and refuses it when told to.
// The refusal is the transaction's final answer and nothing else: no
// dialog, no event, and the ACK is the transaction layer's to absorb.
func (u *UA) admitted(req *sip.Request, tx sip.ServerTransaction) (Knock, bool) {
	k := u.knock(req)
	u.gate.mu.Lock()
	admit := u.gate.admit
	u.gate.mu.Unlock()
	if admit == nil {
		return k, true
	}
	code := admit(k)
	if code == 0 {
		return k, true
	}
	reason := "Forbidden"
	if code == sip.StatusBusyHere {
		reason = "Busy Here"
	}
	u.respond(tx, req, code, reason, nil)
	u.shield.refused(k.Source.Addr(), code)
	return k, false
}

func unmap(ap netip.AddrPort) netip.AddrPort {
	return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
}
