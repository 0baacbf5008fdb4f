package sip

import (
	"context"
	"fmt"
	"net"
	"strings"

	"github.com/emiago/sipgo/sip"
)

// Requests outside an INVITE dialog (SUBSCRIBE, MESSAGE, PUBLISH) share
// how they are addressed and how they answer digest challenges.

// outRequest is a request being built: the request, and where it goes.
type outRequest struct {
	req     *sip.Request
	contact *sip.ContactHeader
	cred    *Credentials // nil for a direct request (no account)
}

// newOutRequest builds an out-of-dialog request from account from (nil:
// a direct request from this host) to the URI to. It carries From with a
// fresh tag, To, a new Call-ID, CSeq 1, Max-Forwards, User-Agent, and a
// Contact (which MESSAGE and PUBLISH may drop). early, when set, names the
// Call-ID and From tag (an INVITE's, chosen beforehand for pickup); the
// zero Early picks fresh ones.
func (u *UA) newOutRequest(ctx context.Context, method sip.RequestMethod, from *Target, to sip.Uri, early Early) (*outRequest, error) {
	transport, dest := "udp", ""
	fromHdr := &sip.FromHeader{Params: sip.NewParams()}
	var cred *Credentials
	if from != nil {
		transport = from.Transport
		var err error
		if dest, err = from.Destination(); err != nil {
			return nil, err
		}
		host, port, err := splitHostPort(from.Domain)
		if err != nil {
			return nil, fmt.Errorf("sip: domain %q: %w", from.Domain, err)
		}
		fromHdr.DisplayName = from.DisplayName
		fromHdr.Address = sip.Uri{Scheme: "sip", User: from.Username, Host: host, Port: port}
		user := from.AuthUsername
		if user == "" {
			user = from.Username
		}
		cred = &Credentials{Username: user, Password: from.Password}
	} else {
		if t, ok := to.UriParams.Get("transport"); ok && t != "" {
			transport = strings.ToLower(t)
		}
		port := to.Port
		if port == 0 {
			port = int(sip.DefaultPort(transport))
		}
		dest = net.JoinHostPort(to.Host, fmt.Sprint(port))
	}
	switch transport {
	case "udp", "tcp", "tls":
	default:
		return nil, fmt.Errorf("sip: transport %q not supported", transport)
	}
	localIP, err := u.localIPFor(ctx, dest)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoResponse, err)
	}
	user := "softphone"
	if from != nil {
		user = from.Username
	} else {
		fromHdr.Address = sip.Uri{Scheme: "sip", User: user, Host: localIP.String(), Port: u.Port()}
	}
	if early.CallID == "" {
		early = NewEarly()
	}
	fromHdr.Params.Add("tag", early.FromTag)
	contact := &sip.ContactHeader{Address: sip.Uri{Scheme: "sip", User: user, Host: localIP.String(), Port: u.Port()}}
	if transport != "udp" {
		contact.Address.UriParams = sip.NewParams()
		contact.Address.UriParams.Add("transport", transport)
	}
	req := sip.NewRequest(method, to)
	req.SetTransport(strings.ToUpper(transport))
	req.SetDestination(dest)
	toHdr := &sip.ToHeader{Address: sip.Uri{Scheme: to.Scheme, User: to.User, Host: to.Host, Port: to.Port}, Params: sip.NewParams()}
	callID := sip.CallIDHeader(early.CallID)
	maxFwd := sip.MaxForwardsHeader(70)
	req.AppendHeader(fromHdr)
	req.AppendHeader(toHdr)
	req.AppendHeader(&callID)
	req.AppendHeader(&sip.CSeqHeader{SeqNo: 1, MethodName: method})
	req.AppendHeader(&maxFwd)
	req.AppendHeader(sip.NewHeader("User-Agent", u.name))
	if transport == "udp" {
		req.Laddr = sip.Addr{IP: u.Addr().IP, Port: u.Port()}
	}
	return &outRequest{req: req, contact: contact, cred: cred}, nil
}

// doAuth runs req to its final response, answering digest challenges with
// cred (nil: none) as REGISTER does. A challenge the credentials cannot
// meet returns the response with an error wrapping ErrAuth.
func (u *UA) doAuth(ctx context.Context, req *sip.Request, cred *Credentials) (*sip.Response, error) {
	res, err := u.do(ctx, req)
	if err != nil {
		return nil, err
	}
	answered := map[string]bool{}
	for tries := 0; isChallenge(res.StatusCode); tries++ {
		if cred == nil {
			return res, fmt.Errorf("%w: %d %s and no account to answer it", ErrAuth, res.StatusCode, res.Reason)
		}
		key, stale, err := authorize(req, res, *cred)
		if err != nil {
			return res, err
		}
		if (answered[key] && !stale) || tries == maxAuthTries {
			return res, fmt.Errorf("%w: %d %s", ErrAuth, res.StatusCode, res.Reason)
		}
		answered[key] = true
		req.CSeq().SeqNo++
		req.RemoveHeader("Via")
		if res, err = u.do(ctx, req); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// checkHeaderValue refuses what would break a header line we write.
func checkHeaderValue(what, v string) error {
	for _, r := range v {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("sip: %s %q contains a control character", what, v)
		}
	}
	return nil
}

// eventToken checks an Event package name ("dialog", "message-summary",
// "presence"): a SIP token.
func eventToken(s string) error {
	if s == "" {
		return fmt.Errorf("sip: empty event package")
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-.!%*_+`'~", r)) {
			return fmt.Errorf("sip: event package %q is not a token", s)
		}
	}
	return nil
}

// headerValue is a request's header value, trying the compact form too.
func headerValue(req *sip.Request, name, compact string) string {
	if h := req.GetHeader(name); h != nil {
		return strings.TrimSpace(h.Value())
	}
	if compact != "" {
		if h := req.GetHeader(compact); h != nil {
			return strings.TrimSpace(h.Value())
		}
	}
	return ""
}
