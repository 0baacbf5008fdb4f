package sip

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/emiago/sipgo/sip"
)

// ErrFlowLost means the registration's TCP or TLS connection is gone:
// nothing can reach our contact until a REGISTER opens a new one.
var ErrFlowLost = errors.New("sip: registration connection lost")

// crlfPing is the RFC 5626 (3.5.1) keep-alive of stream transports.
var crlfPing = []byte("\r\n\r\n")

// KeepAlive sends one keep-alive over the flow the REGISTERs use, so the
// NAT bindings between us and the registrar stay open: over TCP and TLS a
// double CRLF on the connection the REGISTER went out on (an error
// wrapping ErrFlowLost when it is closed), over UDP an OPTIONS from the
// listening socket, where any answer, even an error, proves the path
// works (an error wrapping ErrNoResponse when none comes within ctx).
func (r *Registration) KeepAlive(ctx context.Context) error {
	dest, err := r.t.Destination()
	if err != nil {
		return err
	}
	if r.t.Transport == "udp" {
		return r.pingUDP(ctx, dest)
	}
	return r.pingStream(ctx, dest)
}

// pingStream writes the double CRLF on the pooled connection to dest,
// the one sipgo reuses for the REGISTERs (and the registrar for requests
// to us). The registrar's single CRLF answer is skipped by sipgo's reader.
func (r *Registration) pingStream(ctx context.Context, dest string) error {
	addrs, err := resolve(ctx, dest)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrFlowLost, err)
	}
	layer := r.ua.ua.TransportLayer()
	var c sip.Connection
	var addr string
	for _, a := range addrs {
		if c, _ = layer.GetConnection(r.t.Transport, a); c != nil {
			addr = a
			break
		}
	}
	if c == nil {
		return fmt.Errorf("%w: no %s connection to %s", ErrFlowLost, r.t.Transport, dest)
	}
	w, ok := c.(interface{ Write([]byte) (int, error) })
	if !ok {
		c.Ref(-1)
		return fmt.Errorf("sip: %s connection %T cannot carry a keep-alive", r.t.Transport, c)
	}
	// A write blocks only while the peer does not read: do not let that
	// hold up the caller past ctx (the connection's deadlines are sipgo's).
	done := make(chan error, 1)
	go func() {
		_, err := w.Write(crlfPing)
		// GetConnection took a reference; give it back without the closing
		// TryClose would do on a connection sipgo has already dropped.
		c.Ref(-1)
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("%w: %s %s: %v", ErrFlowLost, r.t.Transport, addr, err)
		}
	case <-ctx.Done():
		return fmt.Errorf("%w: %s %s: write: %v", ErrFlowLost, r.t.Transport, addr, ctx.Err())
	}
	r.ua.log.Debug("sip: keep-alive", "transport", r.t.Transport, "to", addr, "from", c.LocalAddr().String())
	return nil
}

// resolve gives the "ip:port" keys sipgo's pool may hold for dest.
func resolve(ctx context.Context, dest string) ([]string, error) {
	host, port, err := net.SplitHostPort(dest)
	if err != nil {
		return nil, err
	}
	if ip := net.ParseIP(host); ip != nil {
		return []string{net.JoinHostPort(ip.String(), port)}, nil
	}
	ips, err := net.DefaultResolver.LookupIPAddr(ctx, host)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(ips))
	for _, ip := range ips {
		out = append(out, net.JoinHostPort(ip.IP.String(), port))
	}
	return out, nil
}

// pingUDP sends an out-of-dialog OPTIONS to the registrar from the
// listening socket, like the REGISTERs, and waits for any final answer.
func (r *Registration) pingUDP(ctx context.Context, dest string) error {
	host, port, err := splitHostPort(r.t.Domain)
	if err != nil {
		return fmt.Errorf("sip: domain %q: %w", r.t.Domain, err)
	}
	or, err := r.ua.newOutRequest(ctx, sip.OPTIONS, &r.t, sip.Uri{Scheme: "sip", Host: host, Port: port}, Early{})
	if err != nil {
		return err
	}
	or.req.AppendHeader(sip.NewHeader("Accept", "application/sdp"))
	r.ua.log.Debug("sip: keep-alive", "transport", "udp", "to", dest, "method", "OPTIONS")
	res, err := r.ua.do(ctx, or.req)
	if err != nil {
		return err
	}
	r.ua.log.Debug("sip: keep-alive answered", "to", dest, "code", res.StatusCode)
	return nil
}
