package nat

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"

	"github.com/pion/ice/v4"
)

// errConnected is a second Connect.
var errConnected = errors.New("nat: path already connected")

// Connect starts media on the path. With the far end's ICE credentials (and
// our agent) it runs the connectivity checks to a nominated pair, bounded
// by ctx; otherwise it sends plain UDP to r.Addr from the host socket, so
// an ICE offer answered by a plain peer still works. Remote candidates of
// component 2 are ignored (rtcp-mux).
func (p *Path) Connect(ctx context.Context, r Remote) error {
	if p.agent == nil || r.Ufrag == "" {
		return p.connectPlain(r)
	}
	return p.connectICE(ctx, r)
}

func (p *Path) connectPlain(r Remote) error {
	if p.agent != nil {
		// The far end does not do ICE: give the TURN allocation back and
		// stop answering checks.
		if err := p.agent.Close(); err != nil && !errors.Is(err, ice.ErrClosed) {
			p.log.Debug("nat: close unused ICE agent", "err", err)
		}
		p.mux.Close()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.closedOrConnected(); err != nil {
		return err
	}
	p.remote = r.Addr
	if p.early.IsValid() {
		p.remote, p.latched = p.early, true
	}
	if !p.remote.IsValid() {
		return ErrNoRemote
	}
	p.mode = modePlain
	p.log.Debug("nat: plain UDP", "local", p.addr, "remote", p.remote)
	return nil
}

// closedOrConnected says why Connect cannot proceed; p.mu is held.
func (p *Path) closedOrConnected() error {
	select {
	case <-p.done:
		return net.ErrClosed
	default:
	}
	if p.mode != modeIdle {
		return errConnected
	}
	return nil
}

func (p *Path) connectICE(ctx context.Context, r Remote) error {
	p.mu.Lock()
	err := p.closedOrConnected()
	p.mu.Unlock()
	if err != nil {
		return err
	}

	connected, failed := make(chan struct{}), make(chan struct{})
	var connOnce, failOnce sync.Once
	p.agent.OnConnectionStateChange(func(s ice.ConnectionState) {
		p.log.Debug("nat: ICE state", "state", s.String())
		switch s {
		case ice.ConnectionStateConnected:
			connOnce.Do(func() { close(connected) })
		case ice.ConnectionStateFailed:
			failOnce.Do(func() { close(failed) })
		}
	})
	p.agent.OnSelectedCandidatePairChange(func(local, remote ice.Candidate) {
		p.mu.Lock()
		p.selected, p.remote = pathKind(local, remote), candidateAddr(remote)
		p.mu.Unlock()
	})

	var conn *ice.Conn
	if r.Controlling {
		conn, err = p.agent.StartDial(r.Ufrag, r.Pwd)
	} else {
		conn, err = p.agent.StartAccept(r.Ufrag, r.Pwd)
	}
	if err != nil {
		return fmt.Errorf("nat: start ICE: %w", err)
	}
	if err := p.addRemoteCandidates(r); err != nil {
		return err
	}

	select {
	case <-connected:
	case <-failed:
		return ErrICEFailed
	case <-ctx.Done():
		return fmt.Errorf("nat: ICE checks: %w", ctx.Err())
	case <-p.done:
		return net.ErrClosed
	}

	pair, err := p.agent.GetSelectedCandidatePair()
	if err != nil || pair == nil {
		return fmt.Errorf("%w: connected without a selected pair (%v)", ErrICEFailed, err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.closedOrConnected(); err != nil {
		return err
	}
	p.mode, p.conn = modeICE, conn
	p.selected, p.remote = pathKind(pair.Local, pair.Remote), candidateAddr(pair.Remote)
	// Relayed media reaches us through pion (the TURN socket is its own);
	// media on the host socket keeps coming through readSocket.
	p.wg.Add(1)
	go p.readRelay(conn)
	p.log.Debug("nat: ICE connected", "local", pair.Local.String(), "remote", pair.Remote.String())
	return nil
}

// addRemoteCandidates gives the agent the far end's usable RTP candidates,
// or its default address when it sent none (pion then learns the rest as
// peer-reflexive from the far end's checks).
func (p *Path) addRemoteCandidates(r Remote) error {
	added := 0
	for _, s := range r.Candidates {
		c, err := ParseCandidate(s)
		if err != nil {
			p.log.Debug("nat: remote candidate ignored", "err", err)
			continue
		}
		if c.Component() != ice.ComponentRTP {
			continue // rtcp-mux: one component
		}
		if !sameScope(p.addr.Addr(), candidateAddr(c).Addr()) {
			p.log.Debug("nat: remote candidate out of reach", "candidate", s)
			continue
		}
		if err := p.agent.AddRemoteCandidate(c); err != nil {
			return fmt.Errorf("nat: remote candidate: %w", err)
		}
		added++
	}
	if added > 0 || !r.Addr.IsValid() {
		return nil
	}
	c, err := ice.NewCandidateHost(&ice.CandidateHostConfig{
		Network:   "udp",
		Address:   r.Addr.Addr().String(),
		Port:      int(r.Addr.Port()),
		Component: ice.ComponentRTP,
	})
	if err != nil {
		return fmt.Errorf("nat: remote default candidate: %w", err)
	}
	if err := p.agent.AddRemoteCandidate(c); err != nil {
		return fmt.Errorf("nat: remote candidate: %w", err)
	}
	return nil
}

// readRelay feeds what pion delivers (media that came through TURN) to
// ReadPacket, until the agent closes.
func (p *Path) readRelay(conn *ice.Conn) {
	defer p.wg.Done()
	buf := make([]byte, maxPacket)
	for {
		n, err := conn.Read(buf)
		if err != nil {
			return
		}
		p.mu.Lock()
		from := p.remote
		p.mu.Unlock()
		p.queue(buf[:n], from)
	}
}

// pathKind is what the user is told about a pair: "relay" when either end
// is a TURN relay (the media crosses a server), else "srflx" or "prflx"
// when either end is a NAT mapping, else "host".
func pathKind(local, remote ice.Candidate) string {
	kinds := [2]ice.CandidateType{local.Type(), remote.Type()}
	for _, want := range []ice.CandidateType{ice.CandidateTypeRelay, ice.CandidateTypeServerReflexive, ice.CandidateTypePeerReflexive} {
		if kinds[0] == want || kinds[1] == want {
			return want.String()
		}
	}
	return ice.CandidateTypeHost.String()
}

// sameScope: a path on a loopback address reaches only loopback addresses,
// and one on a routable address never a loopback one; checks towards the
// others would only wait to time out.
func sameScope(local, remote netip.Addr) bool {
	return local.IsLoopback() == remote.IsLoopback()
}
