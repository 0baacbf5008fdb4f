package nat

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/netip"
	"sync"

	"github.com/pion/ice/v4"

	"github.com/softphone/softphone/core/media"
	"github.com/softphone/softphone/core/pionlog"
)

// Path is one stream's network path: one host socket for plain UDP and
// for ICE's host and server-reflexive candidates, plus a TURN allocation
// when configured. ICE carries one component: RTP and RTCP share the path
// (rtcp-mux). ReadPacket is for one goroutine; WritePacket may be called
// from several (RTP, RTCP and the DTLS handshake each write); Connect
// once; Close from anywhere.
type Path struct {
	log  *slog.Logger
	sock *net.UDPConn
	addr netip.AddrPort

	// ICE only; set by Listen and not changed after.
	stun  *stunConn
	mux   *ice.UniversalUDPMuxDefault
	agent *ice.Agent
	local *Local

	in   chan packet   // media for ReadPacket
	free chan []byte   // buffers ReadPacket is done with, for the readers to reuse
	done chan struct{} // closed by Close
	once sync.Once
	wg   sync.WaitGroup // the socket reader and the relay reader

	mu       sync.Mutex // guards the fields below
	mode     mode
	remote   netip.AddrPort // plain: where WritePacket sends; ICE: the selected pair's far end
	latched  bool           // plain: remote is where packets come from
	early    netip.AddrPort // a source heard before Connect, for latching
	conn     *ice.Conn      // ICE, once connected
	selected string         // what the selected pair crosses (see Selected)
}

type mode uint8

const (
	modeIdle  mode = iota // before Connect: reads work, writes do not
	modePlain             // UDP to remote, latched
	modeICE               // through pion's selected pair
)

type packet struct {
	b    []byte
	from netip.AddrPort
}

// mediaQueue holds packets ReadPacket has not taken yet (a second of 20 ms
// audio and video with room to spare); more are dropped, as the network
// would, rather than stalling the socket and with it the ICE checks.
const mediaQueue = 512

// maxPacket is the largest UDP payload read.
const maxPacket = 1 << 16

// spareBuffers is how many queue buffers are kept for reuse: enough for
// the steady state (a packet or two waiting), so media packets are not
// allocated one by one.
const spareBuffers = 32

// Listen opens the stream's host socket on bind and, with cfg.ICE, creates
// the agent and gathers host (on bind only), server-reflexive (STUN) and
// relayed (TURN) candidates, waiting for gathering to end, or gatherLimit
// (then it goes on with what it has), or ctx (an error then).
func Listen(ctx context.Context, bind netip.Addr, cfg Config) (*Path, error) {
	bind = bind.Unmap()
	if !bind.IsValid() {
		return nil, fmt.Errorf("%w: no bind address", ErrConfig)
	}
	if cfg.ICE && bind.IsUnspecified() {
		return nil, fmt.Errorf("%w: ICE needs a concrete bind address, not %s", ErrConfig, bind)
	}
	if cfg.RelayOnly && (!cfg.ICE || cfg.TURN == "") {
		return nil, fmt.Errorf("%w: relay-only needs ICE and a TURN server", ErrConfig)
	}
	log := cfg.Log
	if log == nil {
		log = slog.Default()
	}
	sock, err := listenUDP(bind, cfg.Ports.Min, cfg.Ports.Max)
	if err != nil {
		return nil, err
	}
	p := &Path{
		log:  log,
		sock: sock,
		addr: sock.LocalAddr().(*net.UDPAddr).AddrPort(),
		in:   make(chan packet, mediaQueue),
		free: make(chan []byte, spareBuffers),
		done: make(chan struct{}),
	}
	p.addr = netip.AddrPortFrom(p.addr.Addr().Unmap(), p.addr.Port())
	if cfg.ICE {
		pl := pionlog.Factory(log)
		p.stun = newSTUNConn(sock)
		p.mux = ice.NewUniversalUDPMuxDefault(ice.UniversalUDPMuxParams{
			Logger:  pl.NewLogger("mux"),
			UDPConn: p.stun,
		})
		if p.agent, err = newAgent(bind, cfg, p.mux, pl); err != nil {
			p.Close()
			return nil, err
		}
	}
	p.wg.Add(1)
	go p.readSocket()
	if p.agent != nil {
		if p.local, err = gather(ctx, p.agent, log); err != nil {
			p.Close()
			return nil, err
		}
		log.Debug("nat: gathered", "addr", p.addr, "candidates", p.local.Candidates)
	}
	return p, nil
}

// listenUDP binds a port of [min, max] on bind, from a random start so two
// streams do not race for the same port, or any port when max is 0.
func listenUDP(bind netip.Addr, minPort, maxPort int) (*net.UDPConn, error) {
	if maxPort == 0 {
		sock, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(bind, 0)))
		if err != nil {
			return nil, fmt.Errorf("nat: listen %s: %w", bind, err)
		}
		return sock, nil
	}
	if minPort < 1 || maxPort > 65535 || minPort > maxPort {
		return nil, fmt.Errorf("%w: port range %d-%d", ErrConfig, minPort, maxPort)
	}
	n := maxPort - minPort + 1
	start := rand.IntN(n)
	var lastErr error
	for i := range n {
		port := minPort + (start+i)%n
		sock, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(bind, uint16(port))))
		if err == nil {
			return sock, nil
		}
		lastErr = err
	}
	return nil, fmt.Errorf("nat: no free port in %d-%d on %s: %w", minPort, maxPort, bind, lastErr)
}

// readSocket is the host socket's only reader: STUN goes to pion, the rest
// (RTP, RTCP, DTLS) to ReadPacket.
func (p *Path) readSocket() {
	defer p.wg.Done()
	buf := make([]byte, maxPacket)
	for {
		n, from, err := p.sock.ReadFromUDPAddrPort(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// ICMP errors (port unreachable) surface on Linux as read
			// errors on an unconnected socket too; they are not fatal.
			select {
			case <-p.done:
				return
			default:
				continue
			}
		}
		from = netip.AddrPortFrom(from.Addr().Unmap(), from.Port())
		if media.Classify(buf[:n]) == media.KindSTUN {
			if p.stun != nil {
				p.stun.deliver(buf[:n], from)
			}
			continue
		}
		p.heard(from)
		p.queue(buf[:n], from)
	}
}

// heard latches a plain path to the source of the first packet after
// Connect (or before it): a peer behind NAT sends from an address its SDP
// cannot know. Later sources do not move it, so a stray packet cannot
// steal the stream.
func (p *Path) heard(from netip.AddrPort) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.mode == modeIdle && !p.early.IsValid():
		p.early = from
	case p.mode == modePlain && !p.latched:
		if from != p.remote {
			p.log.Debug("nat: latched", "sdp", p.remote, "source", from)
		}
		p.remote, p.latched = from, true
	}
}

// queue hands a copy of b to ReadPacket, dropping it when the queue is
// full. The copy goes into a buffer ReadPacket gave back when there is one.
func (p *Path) queue(b []byte, from netip.AddrPort) {
	var buf []byte
	select {
	case buf = <-p.free:
	default:
		buf = make([]byte, 0, max(len(b), 1500))
	}
	select {
	case p.in <- packet{b: append(buf[:0], b...), from: from}:
	default:
		p.recycle(buf)
	}
}

// recycle keeps b for a later packet, unless enough are kept already.
func (p *Path) recycle(b []byte) {
	select {
	case p.free <- b[:0]:
	default:
	}
}

// Addr is the host socket's address: the default candidate for c=/m=.
func (p *Path) Addr() netip.AddrPort { return p.addr }

// Local is our ICE credentials and candidates, nil without ICE.
func (p *Path) Local() *Local {
	if p.local == nil {
		return nil
	}
	l := *p.local
	l.Candidates = append([]string(nil), p.local.Candidates...)
	return &l
}

// ReadPacket blocks for the next media packet (never STUN) and its source;
// net.ErrClosed after Close. A packet longer than buf is truncated.
func (p *Path) ReadPacket(buf []byte) (int, netip.AddrPort, error) {
	select {
	case pk := <-p.in:
		n := copy(buf, pk.b)
		p.recycle(pk.b)
		return n, pk.from, nil
	case <-p.done:
		return 0, netip.AddrPort{}, net.ErrClosed
	}
}

// WritePacket sends b to the selected pair, or without ICE to the (latched)
// far end; ErrNotConnected before Connect.
func (p *Path) WritePacket(b []byte) error {
	p.mu.Lock()
	m, remote, conn := p.mode, p.remote, p.conn
	p.mu.Unlock()
	select {
	case <-p.done:
		return net.ErrClosed
	default:
	}
	switch m {
	case modePlain:
		if _, err := p.sock.WriteToUDPAddrPort(b, remote); err != nil {
			return fmt.Errorf("nat: write to %s: %w", remote, err)
		}
		return nil
	case modeICE:
		if _, err := conn.Write(b); err != nil {
			return fmt.Errorf("nat: ICE write: %w", err)
		}
		return nil
	}
	return ErrNotConnected
}

// Selected is what the selected pair crosses: "relay" when either end is a
// TURN relay, else "srflx"/"prflx" when either is a NAT mapping, else
// "host"; "" without ICE.
func (p *Path) Selected() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.selected
}

// Close releases the agent (and its TURN allocation) and the socket, and
// waits for the readers; blocked calls return net.ErrClosed.
func (p *Path) Close() error {
	var err error
	p.once.Do(func() {
		// Under mu, so Connect cannot start a reader after wg.Wait began.
		p.mu.Lock()
		close(p.done)
		p.mu.Unlock()
		if p.agent != nil {
			if e := p.agent.Close(); e != nil && !errors.Is(e, ice.ErrClosed) {
				err = fmt.Errorf("nat: close ICE agent: %w", e)
			}
		}
		if p.mux != nil {
			p.mux.Close()
		}
		if e := p.sock.Close(); e != nil && err == nil {
			err = fmt.Errorf("nat: close socket: %w", e)
		}
		p.wg.Wait()
	})
	return err
}
