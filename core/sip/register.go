package sip

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
	"github.com/google/uuid"
)

// Target says who an account is and where its requests go.
type Target struct {
	Username     string // user part of the address of record
	AuthUsername string // digest username; Username when empty
	Password     string
	DisplayName  string
	Domain       string // AoR host[:port]
	Proxy        string // outbound proxy host[:port]; Domain when empty
	Transport    string // "udp", "tcp" or "tls"
	// Account names the account in Knock.Account for the requests that
	// come through this registration.
	Account string
}

// RegisterResult is the registrar's final answer to one REGISTER.
type RegisterResult struct {
	Code       int
	Reason     string
	Expires    int           // seconds the registrar granted our contact (2xx)
	MinExpires int           // from a 423 Interval Too Brief
	RetryAfter time.Duration // from a Retry-After header, 0 when absent
}

// Registration sends the REGISTERs of one account. Refreshes reuse the
// Call-ID and From tag and raise the CSeq, as RFC 3261 10.2.4 asks.
type Registration struct {
	ua      *UA
	t       Target
	callID  string
	fromTag string
	token   string // in our Contact URI: see gate.go

	mu   sync.Mutex // one REGISTER at a time per account
	cseq uint32
}

// NewRegistration prepares the REGISTERs of one account.
func (u *UA) NewRegistration(t Target) (*Registration, error) {
	switch t.Transport {
	case "udp", "tcp", "tls":
	default:
		return nil, fmt.Errorf("sip: transport %q: want udp, tcp or tls", t.Transport)
	}
	if t.AuthUsername == "" {
		t.AuthUsername = t.Username
	}
	return &Registration{ua: u, t: t, callID: newCallID(), fromTag: sip.GenerateTagN(16), token: newToken()}, nil
}

// Register sends REGISTER with the given Expires (0 removes our contact),
// answers digest challenges, and returns the final response. A transport
// failure or timeout (bounded by ctx) is an error wrapping ErrNoResponse; a
// challenge the credentials cannot meet returns the response with an error
// wrapping ErrAuth.
func (r *Registration) Register(ctx context.Context, expires int) (RegisterResult, error) {
	r.mu.Lock()
	defer r.mu.Unlock()

	dest, err := r.t.Destination()
	if err != nil {
		return RegisterResult{}, err
	}
	localIP, err := r.ua.localIPFor(ctx, dest)
	if err != nil {
		return RegisterResult{}, fmt.Errorf("%w: %v", ErrNoResponse, err)
	}
	out, from, err := r.registerAt(ctx, dest, localIP, expires)
	// Only the live registration's own REGISTERs move the gate: Unbind
	// (an old Contact's removal) goes through registerAt alone.
	switch {
	case err == nil && out.Code/100 == 2 && out.Expires > 0:
		r.ua.gate.bindFlow(r.t.Account, r.token, from)
	case err == nil && expires == 0:
		r.ua.gate.unbindFlow(r.token)
	}
	return out, err
}

// registerAt is Register with our Contact at localIP, and the address
// the final answer came from; the caller holds r.mu.
func (r *Registration) registerAt(ctx context.Context, dest string, localIP net.IP, expires int) (RegisterResult, string, error) {
	req, contact, err := r.newRequest(dest, localIP, expires)
	if err != nil {
		return RegisterResult{}, "", err
	}
	res, err := r.ua.do(ctx, req)
	if err != nil {
		return RegisterResult{}, "", err
	}
	cred := Credentials{Username: r.t.AuthUsername, Password: r.t.Password}
	answered := map[string]bool{}
	for tries := 0; isChallenge(res.StatusCode); tries++ {
		key, stale, err := authorize(req, res, cred)
		if err != nil {
			return resultOf(res, contact, expires), "", err
		}
		if (answered[key] && !stale) || tries == maxAuthTries {
			// The same realm challenges again: the password was refused.
			return resultOf(res, contact, expires), "", fmt.Errorf("%w: %d %s", ErrAuth, res.StatusCode, res.Reason)
		}
		answered[key] = true
		r.cseq++
		req.CSeq().SeqNo = r.cseq
		req.RemoveHeader("Via")
		if res, err = r.ua.do(ctx, req); err != nil {
			return RegisterResult{}, "", err
		}
	}
	return resultOf(res, contact, expires), res.Source(), nil
}

// maxAuthTries bounds the challenges answered for one request (stale
// nonces, a proxy and a registrar each challenging).
const maxAuthTries = 3

func isChallenge(code int) bool {
	return code == sip.StatusUnauthorized || code == sip.StatusProxyAuthRequired
}

// Destination is the host:port the account's requests are sent to.
func (t Target) Destination() (string, error) {
	hostport := t.Proxy
	if hostport == "" {
		hostport = t.Domain
	}
	host, port, err := splitHostPort(hostport)
	if err != nil {
		return "", fmt.Errorf("sip: destination %q: %w", hostport, err)
	}
	if port == 0 {
		port = int(sip.DefaultPort(t.Transport))
	}
	return net.JoinHostPort(host, strconv.Itoa(port)), nil
}

func (r *Registration) newRequest(dest string, localIP net.IP, expires int) (*sip.Request, *sip.ContactHeader, error) {
	domHost, domPort, err := splitHostPort(r.t.Domain)
	if err != nil {
		return nil, nil, fmt.Errorf("sip: domain %q: %w", r.t.Domain, err)
	}
	aor := sip.Uri{Scheme: "sip", User: r.t.Username, Host: domHost, Port: domPort}
	req := sip.NewRequest(sip.REGISTER, sip.Uri{Scheme: "sip", Host: domHost, Port: domPort})
	transport := strings.ToUpper(r.t.Transport)
	req.SetTransport(transport)
	req.SetDestination(dest)

	from := &sip.FromHeader{DisplayName: r.t.DisplayName, Address: aor, Params: sip.NewParams()}
	from.Params.Add("tag", r.fromTag)
	to := &sip.ToHeader{DisplayName: r.t.DisplayName, Address: aor, Params: sip.NewParams()}
	contact := &sip.ContactHeader{Address: sip.Uri{Scheme: "sip", User: r.t.Username, Host: localIP.String(), Port: r.ua.Port()}}
	contact.Address.UriParams = sip.NewParams()
	if r.t.Transport != "udp" {
		contact.Address.UriParams.Add("transport", r.t.Transport)
	}
	contact.Address.UriParams.Add(tokenParam, r.token)
	r.cseq++
	callID := sip.CallIDHeader(r.callID)
	maxFwd := sip.MaxForwardsHeader(70)
	exp := sip.ExpiresHeader(expires)
	req.AppendHeader(from)
	req.AppendHeader(to)
	req.AppendHeader(&callID)
	req.AppendHeader(&sip.CSeqHeader{SeqNo: r.cseq, MethodName: sip.REGISTER})
	req.AppendHeader(&maxFwd)
	req.AppendHeader(contact)
	req.AppendHeader(&exp)
	req.AppendHeader(sip.NewHeader("User-Agent", r.ua.name))
	req.AppendHeader(sip.NewHeader("Allow", allowed))
	req.SetBody(nil)
	if r.t.Transport == "udp" {
		// Send from the listening socket so the registrar's answers, and
		// later the calls routed to our contact, reach the port we own.
		req.Laddr = sip.Addr{IP: r.ua.Addr().IP, Port: r.ua.Port()}
	}
	return req, contact, nil
}

// resultOf reads the granted expiry from our own Contact in a 2xx (the
// registrar lists every device of the AoR), else from Expires.
func resultOf(res *sip.Response, ours *sip.ContactHeader, asked int) RegisterResult {
	out := RegisterResult{Code: res.StatusCode, Reason: res.Reason}
	if h := res.GetHeader("Min-Expires"); h != nil {
		out.MinExpires, _ = strconv.Atoi(strings.TrimSpace(h.Value()))
	}
	if h := res.GetHeader("Retry-After"); h != nil {
		// Retry-After: 120 (comment);duration=3600 — only the delta counts.
		v := strings.TrimSpace(h.Value())
		if i := strings.IndexAny(v, " (;"); i >= 0 {
			v = v[:i]
		}
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			out.RetryAfter = time.Duration(n) * time.Second
		}
	}
	if !res.IsSuccess() {
		return out
	}
	out.Expires = -1
	for _, h := range res.GetHeaders("Contact") {
		c, ok := h.(*sip.ContactHeader)
		if !ok || c.Address.User != ours.Address.User || c.Address.Host != ours.Address.Host || c.Address.Port != ours.Address.Port {
			continue
		}
		if v, ok := c.Params.Get("expires"); ok {
			if n, err := strconv.Atoi(v); err == nil {
				out.Expires = n
			}
		}
	}
	if out.Expires < 0 {
		out.Expires = asked
		if h := res.GetHeader("Expires"); h != nil {
			if n, err := strconv.Atoi(strings.TrimSpace(h.Value())); err == nil {
				out.Expires = n
			}
		}
	}
	return out
}

// do runs one client transaction to its final response.
func (u *UA) do(ctx context.Context, req *sip.Request) (*sip.Response, error) {
	tx, err := u.client.TransactionRequest(ctx, req, u.addVia)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrNoResponse, req.Destination(), err)
	}
	defer tx.Terminate()
	for {
		select {
		case res := <-tx.Responses():
			if res.IsProvisional() {
				continue
			}
			return res, nil
		case <-tx.Done():
			err := tx.Err()
			if err == nil {
				err = errors.New("transaction ended without a final response")
			}
			return nil, fmt.Errorf("%w: %s: %v", ErrNoResponse, req.Destination(), err)
		case <-ctx.Done():
			return nil, fmt.Errorf("%w: %s: %v", ErrNoResponse, req.Destination(), ctx.Err())
		}
	}
}

// addVia adds a Via with a fresh branch. Over UDP its sent-by is the
// listening socket; over TCP/TLS the transport fills in the connection's.
func (u *UA) addVia(_ *sipgo.Client, req *sip.Request) error {
	via := &sip.ViaHeader{ProtocolName: "SIP", ProtocolVersion: "2.0", Transport: req.Transport(), Params: sip.NewParams()}
	via.Params.Add("branch", sip.GenerateBranchN(16))
	via.Params.Add("rport", "")
	if req.Transport() == "UDP" {
		if ip := u.Addr().IP; ip != nil && !ip.IsUnspecified() {
			via.Host = ip.String()
		} else if c := req.Contact(); c != nil {
			via.Host = c.Address.Host
		}
		via.Port = u.Port()
	}
	req.PrependHeader(via)
	return nil
}

// splitHostPort accepts "host", "host:port", "[v6]" and "[v6]:port".
func splitHostPort(s string) (string, int, error) {
	if h, p, err := net.SplitHostPort(s); err == nil {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return "", 0, fmt.Errorf("bad port %q", p)
		}
		return h, n, nil
	}
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	if s == "" {
		return "", 0, errors.New("empty host")
	}
	return s, 0, nil
}

// Host is the host part of a "host[:port]" string.
func Host(hostport string) string {
	h, _, err := splitHostPort(hostport)
	if err != nil {
		return hostport
	}
	return h
}

// newCallID is a random Call-ID.
func newCallID() string { return uuid.NewString() }
