// Package sip is the softphone's SIP layer on top of sipgo: it owns the
// signalling sockets and runs transactions: registrations, dialogs, subscriptions, messages.
package sip

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// allowed is the Allow header: the methods we answer.
const allowed = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, REFER, NOTIFY, MESSAGE"

// DefaultPort is the port of a SIP URI that names none. The listener
// does not take it unless told to: scanners sweep it all day, and calls
// through a registrar reach whatever port we registered.
const DefaultPort = 5060

// UA is the one owner of the phone's SIP sockets: a UDP socket and a TCP
// listener on the same port, and the TCP/TLS connections sipgo dials out.
type UA struct {
	ua     *sipgo.UserAgent
	srv    *sipgo.Server
	client *sipgo.Client
	udp    net.PacketConn
	tcp    net.Listener
	log    *slog.Logger
	name   string

	dialogs dialogs

	mu       sync.Mutex
	onInvite func(*Incoming)

	events uaEvents // subscribe.go, notify.go, message.go: subscriptions, MWI, MESSAGE

	gate   gate    // gate.go: who may open a call or send a message
	shield *shield // shield.go: limits, refusals and their log line

	closeOnce sync.Once
	done      chan struct{}
}

// Option configures a UA.
type Option func(*uaOptions)

type uaOptions struct {
	log         *slog.Logger
	name        string
	tls         *tls.Config
	rate, burst int
}

// WithLogger sets the logger (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(o *uaOptions) { o.log = l } }

// WithUserAgent sets the User-Agent header value.
func WithUserAgent(name string) Option { return func(o *uaOptions) { o.name = name } }

// WithSourceLimit sets how many messages a second (rate, after a burst)
// one address may send that no registration of ours vouches for; beyond
// that they are dropped unread. Default SourceRate and SourceBurst; load
// tests, where one address places hundreds of calls, raise it.
func WithSourceLimit(rate, burst int) Option {
	return func(o *uaOptions) { o.rate, o.burst = rate, burst }
}

// WithTLSConfig sets the configuration used when dialling TLS.
func WithTLSConfig(c *tls.Config) Option { return func(o *uaOptions) { o.tls = c } }

// Listen opens the UDP socket and TCP listener on listen ("host:port").
// An empty listen means all interfaces on a free port; an explicit port
// that is taken is an error.
func Listen(listen string, opts ...Option) (*UA, error) {
	o := uaOptions{log: slog.Default(), name: "softphone", rate: SourceRate, burst: SourceBurst}
	for _, opt := range opts {
		opt(&o)
	}
	udp, tcp, err := bind(listen)
	if err != nil {
		return nil, err
	}
	u := &UA{udp: udp, tcp: tcp, log: o.log, name: o.name, done: make(chan struct{})}
	u.shield = newShield(&u.gate, &u.dialogs, o.log, o.rate, o.burst)
	uaOpts := []sipgo.UserAgentOption{
		sipgo.WithUserAgent(o.name),
		sipgo.WithUserAgentParser(sip.NewParser(func(p *sip.Parser) { p.MaxMessageLength = MaxMessage })),
		sipgo.WithUserAgentTransportLayerOptions(sip.WithTransportLayerReadFilter(u.shield.filter),
			sip.WithTransportLayerLogger(sipgoLog(o.log))),
		sipgo.WithUserAgentTransactionLayerOptions(sip.WithTransactionLayerLogger(sipgoLog(o.log))),
	}
	if o.tls != nil {
		uaOpts = append(uaOpts, sipgo.WithUserAgenTLSConfig(o.tls))
	}
	ua, err := sipgo.NewUA(uaOpts...)
	if err != nil {
		udp.Close()
		tcp.Close()
		return nil, fmt.Errorf("sip: user agent: %w", err)
	}
	srv, err := sipgo.NewServer(ua, sipgo.WithServerLogger(o.log))
	if err != nil {
		ua.Close()
		udp.Close()
		tcp.Close()
		return nil, fmt.Errorf("sip: server: %w", err)
	}
	client, err := sipgo.NewClient(ua, sipgo.WithClientLogger(o.log))
	if err != nil {
		ua.Close()
		udp.Close()
		tcp.Close()
		return nil, fmt.Errorf("sip: client: %w", err)
	}
	u.ua, u.srv, u.client = ua, srv, client
	// Requests nobody handles (methods we do not take) get a
	// clean final answer instead of a transaction that times out.
	srv.OnNoRoute(func(req *sip.Request, tx sip.ServerTransaction) {
		res := sip.NewResponseFromRequest(req, sip.StatusMethodNotAllowed, "Method Not Allowed", nil)
		if err := tx.Respond(res); err != nil {
			u.log.Debug("sip: respond 405", "error", err)
		}
	})
	srv.OnOptions(u.guard(u.handleOptions))
	srv.OnInvite(u.guard(u.handleInvite))
	srv.OnAck(u.guard(u.handleInDialog))
	srv.OnBye(u.guard(u.handleInDialog))
	srv.OnInfo(u.guard(u.handleInDialog))
	srv.OnRefer(u.guard(u.handleInDialog))
	srv.OnNotify(u.guard(u.handleNotify))   // notify.go: subscriptions, else in-dialog (transfer progress)
	srv.OnMessage(u.guard(u.handleMessage)) // message.go
	go u.serve(func() error { return srv.ServeUDP(udp) }, "udp")
	go u.serve(func() error { return srv.ServeTCP(tcp) }, "tcp")
	// sipgo registers the UDP socket for sending in its serving goroutine:
	// wait for it, or the first request would try to bind the port again.
	for i := 0; ; i++ {
		if c, _ := ua.TransportLayer().GetConnection("udp", udp.LocalAddr().String()); c != nil {
			break
		}
		if i == 200 {
			u.Close()
			return nil, errors.New("sip: udp listener did not start")
		}
		time.Sleep(5 * time.Millisecond)
	}
	return u, nil
}

// handleOptions answers OPTIONS with what we take; out of a dialog only
// to those who may reach us at all (the gate).
func (u *UA) handleOptions(req *sip.Request, tx sip.ServerTransaction) {
	if to := req.To(); to == nil || !to.Params.Has("tag") {
		if _, ok := u.admitted(req, tx); !ok {
			return
		}
	}
	res := sip.NewResponseFromRequest(req, sip.StatusOK, "OK", nil)
	res.AppendHeader(sip.NewHeader("Allow", allowed))
	res.AppendHeader(sip.NewHeader("Accept", "application/sdp"))
	if err := tx.Respond(res); err != nil {
		u.log.Debug("sip: respond OPTIONS", "error", err)
	}
}

func (u *UA) serve(f func() error, network string) {
	if err := f(); err != nil {
		select {
		case <-u.done:
		default:
			u.log.Error("sip: listener stopped", "network", network, "error", err)
		}
	}
}

// bind opens UDP and TCP on the same port so one Contact port serves both.
func bind(listen string) (net.PacketConn, net.Listener, error) {
	host, port := "", 0
	explicitPort := false
	if listen != "" {
		h, p, err := net.SplitHostPort(listen)
		if err != nil {
			return nil, nil, fmt.Errorf("sip: listen address %q: %w", listen, err)
		}
		host = h
		if p != "" {
			n, err := strconv.Atoi(p)
			if err != nil || n < 0 || n > 65535 {
				return nil, nil, fmt.Errorf("sip: listen address %q: bad port", listen)
			}
			// Port 0 asks for any free port: its TCP half may be taken
			// by another program, and then another pair is tried.
			port, explicitPort = n, n != 0
		}
	}
	udp, tcp, err := bindPair(host, port)
	if err == nil || explicitPort {
		return udp, tcp, err
	}
	// An ephemeral UDP port's TCP twin was taken: another pair.
	for range 20 {
		if udp, tcp, err = bindPair(host, 0); err == nil {
			return udp, tcp, nil
		}
	}
	return nil, nil, err
}

func bindPair(host string, port int) (net.PacketConn, net.Listener, error) {
	udp, err := net.ListenPacket("udp", net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil {
		return nil, nil, fmt.Errorf("sip: listen udp: %w", err)
	}
	port = udp.LocalAddr().(*net.UDPAddr).Port
	tcp, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil {
		udp.Close()
		return nil, nil, fmt.Errorf("sip: listen tcp: %w", err)
	}
	return udp, tcp, nil
}

// Addr is the UDP socket's local address (the TCP listener shares its port).
func (u *UA) Addr() *net.UDPAddr { return u.udp.LocalAddr().(*net.UDPAddr) }

// Port is the local SIP port for UDP and TCP.
func (u *UA) Port() int { return u.Addr().Port }

// Close stops the listeners and every connection and transaction.
func (u *UA) Close() error {
	var err error
	u.closeOnce.Do(func() {
		close(u.done)
		err = errors.Join(u.ua.Close(), u.udp.Close(), u.tcp.Close())
	})
	return err
}

// LocalIPFor is the address this host uses to reach dest ("host:port"):
// what Contact and SDP carry when the listener is bound to all interfaces.
func (u *UA) LocalIPFor(ctx context.Context, dest string) (net.IP, error) {
	return u.localIPFor(ctx, dest)
}

// MediaAddrs are where a call's media to peer ("host:port") binds (the
// listener's address, else every interface) and the address its SDP
// advertises.
func (u *UA) MediaAddrs(ctx context.Context, peer string) (bind, adv netip.Addr, err error) {
	ip, err := u.localIPFor(ctx, peer)
	if err != nil {
		return netip.Addr{}, netip.Addr{}, err
	}
	adv, ok := netip.AddrFromSlice(ip)
	if !ok {
		return netip.Addr{}, netip.Addr{}, fmt.Errorf("sip: local address %v", ip)
	}
	bind = netip.IPv6Unspecified()
	if la := u.Addr().IP; la != nil && !la.IsUnspecified() {
		bind, _ = netip.AddrFromSlice(la)
		bind = bind.Unmap()
	}
	return bind, adv.Unmap(), nil
}

func (u *UA) localIPFor(ctx context.Context, dest string) (net.IP, error) {
	if ip := u.Addr().IP; ip != nil && !ip.IsUnspecified() {
		return ip, nil
	}
	var d net.Dialer
	c, err := d.DialContext(ctx, "udp", dest)
	if err != nil {
		return nil, fmt.Errorf("sip: no route to %s: %w", dest, err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).IP, nil
}
