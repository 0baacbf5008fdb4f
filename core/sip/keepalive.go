package sip

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

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

// FlowUp says whether the registration's flow is still there, without
// sending anything: over TCP and TLS whether the connection to the
// registrar is still open (sipgo forgets it once the registrar closes
// it), over UDP always.
func (r *Registration) FlowUp() bool {
	if r.t.Transport == "udp" {
		return true
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	c, _, err := r.flow(ctx)
	if err != nil || c == nil {
		return false
	}
	c.Ref(-1)
	return true
}

// DropFlow closes the registration's TCP or TLS connection when it no
// longer leaves from local (the address this host now uses toward the
// registrar): a connection from an address that went away is never
// reset by the kernel, and sipgo would keep writing into it. The next
// REGISTER opens a new one. It reports whether it closed one.
func (r *Registration) DropFlow(ctx context.Context, local net.IP) bool {
	if r.t.Transport == "udp" {
		return false
	}
	c, key, err := r.flow(ctx)
	if err != nil || c == nil {
		return false
	}
	if la, ok := c.LocalAddr().(*net.TCPAddr); ok && la.IP.Equal(local) {
		c.Ref(-1)
		return false
	}
	r.ua.log.Info("sip: closing a connection from an old address", "transport", r.t.Transport, "to", key, "from", c.LocalAddr().String())
	c.Ref(-1)
	_ = r.ua.ua.TransportLayer().Pool(r.t.Transport).CloseAndDelete(c, key)
	return true
}

// flow is the pooled connection to the registrar (with a reference the
// caller gives back) and its pool key; nil when there is none.
func (r *Registration) flow(ctx context.Context) (sip.Connection, string, error) {
	dest, err := r.t.Destination()
	if err != nil {
		return nil, "", err
	}
	addrs, err := resolve(ctx, dest)
	if err != nil {
		return nil, "", err
	}
	layer := r.ua.ua.TransportLayer()
	for _, a := range addrs {
		if c, _ := layer.GetConnection(r.t.Transport, a); c != nil {
			return c, a, nil
		}
	}
	return nil, "", nil
}

// Destination is where the registration's requests go ("host:port").
func (r *Registration) Destination() (string, error) { return r.t.Destination() }
