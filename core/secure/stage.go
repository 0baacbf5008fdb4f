package secure

import (
	"fmt"
	"log/slog"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/srtp/v3"

	"github.com/softphone/softphone/core/media"
)

// maxOverhead is the most SRTP adds to a packet: a 16-byte GCM tag, or a
// 10-byte HMAC tag plus the 4-byte SRTCP index.
const maxOverhead = 20

// replayWindow is how far back (in packets) a late packet is still taken:
// twice RFC 3711's minimum, for video frames that arrive in bursts.
const replayWindow = 128

// Stage is SRTP/SRTCP over another media.Transport, and a media.Transport
// itself. Until SetKeys (DTLS still handshaking) it sends nothing and drops
// what arrives; a packet that fails authentication or replays is dropped
// too. Either way the drop is counted, and NextRTP and ReadRTCP move on to
// the next packet.
type Stage struct {
	inner   media.Transport
	log     *slog.Logger
	ctx     atomic.Pointer[contexts] // nil until keyed; swapped whole on re-keying
	dropped atomic.Uint64

	// The send loop's own: SendRTP runs on one goroutine.
	sendBuf []byte
	sendHdr rtp.Header
	// The playout loop's own: NextRTP runs on one goroutine.
	recvHdr rtp.Header
	// The RTCP reader's own: ReadRTCP runs on one goroutine.
	rtcpHdr rtcp.Header

	// rtcpMu guards rtcpBuf, rtcpOutHdr and the rtcpOut context in use:
	// SendRTCP has two callers (the report loop and Close).
	rtcpMu     sync.Mutex
	rtcpBuf    []byte
	rtcpOutHdr rtcp.Header
}

// contexts are the four one-way SRTP contexts of one keying. A Context is
// not goroutine-safe; each here is used by one goroutine (rtcpOut under
// Stage.rtcpMu).
type contexts struct {
	rtpOut, rtcpOut, rtpIn, rtcpIn *srtp.Context
}

var _ media.Transport = (*Stage)(nil)

// NewStage puts an SRTP stage over inner; Close closes inner. Dropped
// packets are logged to log (nil: slog.Default()).
func NewStage(inner media.Transport, log *slog.Logger) *Stage {
	if log == nil {
		log = slog.Default()
	}
	return &Stage{
		inner:   inner,
		log:     log,
		sendBuf: make([]byte, 1500+maxOverhead),
		rtcpBuf: make([]byte, 1500+maxOverhead),
	}
}

// SetKeys starts protecting with k. Calling it again re-keys (a re-INVITE
// with new SDES lines): each loop picks the new contexts on its next
// packet, with fresh replay windows as new keys require.
func (s *Stage) SetKeys(k Keys) error {
	if err := k.check(); err != nil {
		return err
	}
	mk := func(key, salt []byte, opts ...srtp.ContextOption) (*srtp.Context, error) {
		c, err := srtp.CreateContext(key, salt, k.Profile, opts...)
		if err != nil {
			return nil, fmt.Errorf("secure: srtp context: %w", err)
		}
		return c, nil
	}
	var c contexts
	var err error
	if c.rtpOut, err = mk(k.LocalKey, k.LocalSalt); err != nil {
		return err
	}
	if c.rtcpOut, err = mk(k.LocalKey, k.LocalSalt); err != nil {
		return err
	}
	// A bare Context has no replay check: ask for it on what we receive.
	if c.rtpIn, err = mk(k.RemoteKey, k.RemoteSalt, srtp.SRTPReplayProtection(replayWindow)); err != nil {
		return err
	}
	if c.rtcpIn, err = mk(k.RemoteKey, k.RemoteSalt, srtp.SRTCPReplayProtection(replayWindow)); err != nil {
		return err
	}
	s.ctx.Store(&c)
	return nil
}

// Keyed tells whether SetKeys has run.
func (s *Stage) Keyed() bool { return s.ctx.Load() != nil }

// Dropped counts the packets that failed authentication, replayed, or
// came before the keys.
func (s *Stage) Dropped() uint64 { return s.dropped.Load() }

// SendRTP encrypts pkt and sends it; before keys it sends nothing.
func (s *Stage) SendRTP(pkt []byte, to netip.AddrPort) error {
	c := s.ctx.Load()
	if c == nil {
		return nil
	}
	out, err := c.rtpOut.EncryptRTP(s.sendBuf, pkt, &s.sendHdr)
	if err != nil {
		return fmt.Errorf("secure: srtp protect: %w", err)
	}
	if cap(out) > cap(s.sendBuf) {
		s.sendBuf = out // a jumbo packet: keep the larger buffer
	}
	return s.inner.SendRTP(out, to)
}

// NextRTP returns the next waiting packet that authenticates, decrypted in
// place in buf (pion allows dst == src).
func (s *Stage) NextRTP(buf []byte) (int, netip.AddrPort, time.Time, bool, error) {
	for {
		n, from, at, ok, err := s.inner.NextRTP(buf)
		if !ok || err != nil {
			return n, from, at, ok, err
		}
		c := s.ctx.Load()
		if c == nil {
			s.logDrop(s.dropped.Add(1), "rtp", nil)
			continue
		}
		out, err := c.rtpIn.DecryptRTP(buf[:n], buf[:n], &s.recvHdr)
		if err != nil {
			s.logDrop(s.dropped.Add(1), "rtp", err)
			continue
		}
		return len(out), from, at, true, nil
	}
}

// SendRTCP encrypts a compound RTCP packet and sends it; before keys it
// sends nothing.
func (s *Stage) SendRTCP(pkt []byte, to netip.AddrPort) error {
	s.rtcpMu.Lock()
	defer s.rtcpMu.Unlock()
	c := s.ctx.Load()
	if c == nil {
		return nil
	}
	out, err := c.rtcpOut.EncryptRTCP(s.rtcpBuf, pkt, &s.rtcpOutHdr)
	if err != nil {
		return fmt.Errorf("secure: srtcp protect: %w", err)
	}
	if cap(out) > cap(s.rtcpBuf) {
		s.rtcpBuf = out
	}
	return s.inner.SendRTCP(out, to)
}

// ReadRTCP blocks until an RTCP packet authenticates and returns it
// decrypted in place in buf.
func (s *Stage) ReadRTCP(buf []byte) (int, error) {
	for {
		n, err := s.inner.ReadRTCP(buf)
		if err != nil {
			return n, err
		}
		c := s.ctx.Load()
		if c == nil {
			s.logDrop(s.dropped.Add(1), "rtcp", nil)
			continue
		}
		out, err := c.rtcpIn.DecryptRTCP(buf[:n], buf[:n], &s.rtcpHdr)
		if err != nil {
			s.logDrop(s.dropped.Add(1), "rtcp", err)
			continue
		}
		return len(out), nil
	}
}

// Close closes the inner transport.
func (s *Stage) Close() error { return s.inner.Close() }
