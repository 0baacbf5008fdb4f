package callmedia

import (
	"context"
	"fmt"
	"net/netip"
	"sync"
	"time"

	"github.com/softphone/softphone/core/media"
	"github.com/softphone/softphone/core/nat"
	"github.com/softphone/softphone/core/sdp"
)

// An ICE restart (RFC 8445 9, RFC 8839 4.4.1.1.1) here replaces the leg's
// path: a new socket on the address to use, fresh credentials and
// candidates, put under the running transport (switchPath), so the
// session, its SRTP stage and keys, and a DTLS association carry on; the
// new path's checks run once the far end's new credentials are known.
// The side that moved offers it (MoveOffer); the other side sees new
// credentials in the offer and restarts too (ReOffer).

// switchPath is the PacketPath under a path leg's transport: the current
// path, which a restart replaces.
type switchPath struct {
	mu  sync.Mutex // guards cur
	cur *nat.Path
}

var _ media.PacketPath = (*switchPath)(nil)

func (s *switchPath) get() *nat.Path {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cur
}

// swap puts p in and returns the path it replaces (for the caller to close).
func (s *switchPath) swap(p *nat.Path) *nat.Path {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.cur
	s.cur = p
	return old
}

// ReadPacket reads the current path; a path closed because it was
// replaced hands over to the new one.
func (s *switchPath) ReadPacket(buf []byte) (int, netip.AddrPort, error) {
	for {
		p := s.get()
		n, from, err := p.ReadPacket(buf)
		if err != nil && s.get() != p {
			continue
		}
		return n, from, err
	}
}

func (s *switchPath) WritePacket(b []byte) error { return s.get().WritePacket(b) }
func (s *switchPath) Close() error               { return s.get().Close() }

// restartState is a path leg's part in ICE restarts. Guarded by the
// leg's mu.
type restartState struct {
	sw          *switchPath
	ports       media.PortRange
	remoteUfrag string // the far end's credentials the path was checked with
	pending     bool   // restarted: the new path waits for the far end's credentials
}

// usesICE says whether the leg's path runs ICE.
func (l *leg) usesICE() bool {
	l.mu.Lock()
	path := l.path
	l.mu.Unlock()
	return path != nil && path.Local() != nil
}

// remember notes the far end's ICE credentials the path is checked with.
func (l *leg) remember(rt sdp.Transport) {
	if rt.ICE == nil {
		return
	}
	l.mu.Lock()
	l.restart.remoteUfrag = rt.ICE.Ufrag
	l.mu.Unlock()
}

// askedToRestart says whether the far end's offer ot restarts ICE: new
// credentials for a path already checked.
func (l *leg) askedToRestart(ot sdp.Transport) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.path != nil && l.restart.sw != nil && ot.ICE != nil && l.restart.remoteUfrag != "" && ot.ICE.Ufrag != l.restart.remoteUfrag
}

// restartICE replaces the leg's path by a new one on adv (gathering
// within ctx) and returns its port; connectPending checks it later.
func (l *leg) restartICE(ctx context.Context, adv netip.Addr) (int, error) {
	l.mu.Lock()
	sw, ports := l.restart.sw, l.restart.ports
	l.mu.Unlock()
	if sw == nil {
		return 0, ErrBoundToAddress
	}
	nc := l.sec.NAT
	nc.ICE, nc.Log = true, l.log
	nc.Ports.Min, nc.Ports.Max = ports.Min, ports.Max
	path, err := nat.Listen(ctx, adv, nc)
	if err != nil {
		return 0, fmt.Errorf("media: ICE restart: %w", err)
	}
	loc := path.Local()
	port := int(path.Addr().Port())
	l.mu.Lock()
	l.path, l.port = path, port
	t := l.local
	t.ICE = &sdp.ICE{Ufrag: loc.Ufrag, Pwd: loc.Pwd, Candidates: loc.Candidates, EndOfCandidates: true}
	l.local = t
	l.restart.pending = true
	l.mu.Unlock()
	if old := sw.swap(path); old != nil {
		_ = old.Close()
	}
	l.log.Info("media: ICE restart", "addr", path.Addr())
	return port, nil
}

// connectPending runs the checks of a restarted path against the far
// end's transport rt (its new credentials and candidates), within ctx.
func (l *leg) connectPending(ctx context.Context, remote netip.AddrPort, rt sdp.Transport) {
	l.mu.Lock()
	if !l.restart.pending || rt.ICE == nil {
		l.mu.Unlock()
		return
	}
	l.restart.pending = false
	l.restart.remoteUfrag = rt.ICE.Ufrag
	path := l.path
	l.mu.Unlock()
	go func() {
		cctx, cancel := context.WithTimeout(ctx, connectTimeout)
		defer cancel()
		r := nat.Remote{Addr: remote, Controlling: !l.incoming, Ufrag: rt.ICE.Ufrag, Pwd: rt.ICE.Pwd, Candidates: rt.ICE.Candidates}
		if err := path.Connect(cctx, r); err != nil {
			if ctx.Err() == nil {
				l.log.Warn("media: checks after an ICE restart", "error", err)
			}
			return
		}
		l.log.Info("media: ICE restarted", "path", path.Selected())
	}()
}

// restartIfAsked restarts the audio path when the far end's offer ot
// restarts ICE, on the address we advertise, before we answer.
func (s *Stream) restartIfAsked(ot sdp.Transport) {
	if !s.audio.askedToRestart(ot) {
		return
	}
	ctx, cancel := context.WithTimeout(s.ctx, restartGather)
	defer cancel()
	port, err := s.audio.restartICE(ctx, s.Advertised())
	if err != nil {
		s.cfg.Log.Warn("media: ICE restart asked by the far end", "error", err)
		return
	}
	s.mu.Lock()
	s.local.RTPPort = port
	s.mu.Unlock()
}

// restartGather bounds the gathering of a restart the far end asked for
// (its re-INVITE waits for our answer meanwhile).
const restartGather = 3 * time.Second
