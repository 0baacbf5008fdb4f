package media

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/softphone/softphone/core/video"

	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/codec"
)

// Config is what offer/answer settled for one call's audio.
type Config struct {
	Codec      codec.Codec
	SendPT     uint8 // payload type the far end expects
	RecvPT     uint8 // payload type we expect
	DTMFSendPT uint8 // telephone-event PT to send with, 0 = none
	DTMFRecvPT uint8 // telephone-event PT we receive, 0 = none
	Ptime      time.Duration
	Remote     netip.AddrPort // RTP destination from the SDP
	RemoteRTCP netip.AddrPort
	// RTCPMux: RTCP goes to and comes from the RTP address (RFC 5761).
	RTCPMux  bool
	Encoder  codec.Options
	MinDelay time.Duration // jitter buffer bounds (0: defaults)
	MaxDelay time.Duration
	// NoMediaTimeout ends the call when no RTP arrives for this long while
	// receiving is expected (not on hold). 0 disables the guard.
	NoMediaTimeout time.Duration
	Log            *slog.Logger
}

// Handler receives what the media path notices. Calls come from the
// session's goroutines and must not block.
type Handler interface {
	DTMF(digit rune)
	NoMedia(silence time.Duration)
	DeviceError(err error)
	// Flowing reports the first RTP packet of the call's audio, with its
	// arrival time: the moment media flows in.
	Flowing(at time.Time)
}

// Session is one call's audio: it owns the Transport given to it, and runs
// the send, receive, playout and RTCP loops.
type Session struct {
	tr        Transport
	cfg       Config
	h         Handler
	log       *slog.Logger
	ssrc      uint32
	cname     string
	clockRate int

	remote atomic.Pointer[netip.AddrPort] // latched to the RTP source (symmetric RTP)
	// sdpRemote is where the SDP says the far end is: latching may move
	// remote away from it; a packet from it brings remote back for good.
	sdpRemote  atomic.Pointer[netip.AddrPort]
	remoteRTCP atomic.Pointer[netip.AddrPort]
	sending    atomic.Bool
	receiving  atomic.Bool
	muted      atomic.Bool
	lastRTP    atomic.Int64  // unix nanos of the last RTP packet
	guardFired atomic.Bool   // NoMedia reported; re-armed by ResetMediaGuard
	guardPause atomic.Bool   // the far end holds the call: silence is expected
	concealed  atomic.Uint64 // frames the player made up (loss, or an underrun in speech)

	devMu   sync.Mutex
	dev     audio.Device
	devSwap chan struct{} // closed (and replaced) when dev changes

	mu        sync.Mutex // guards what the RTCP and stats paths share
	recv      recvStats
	sent      sentStats
	stats     Stats
	remoteBye bool
	jb        *JitterBuffer

	dtmfOut chan rune
	stop    chan struct{}
	wg      sync.WaitGroup
	once    sync.Once
}

type sentStats struct {
	packets, octets uint64
	lastTS          uint32
	lastAt          time.Time
}

// Stats are a call's quality figures.
type Stats struct {
	PacketsSent        uint64
	PacketsReceived    uint64
	Lost               uint64        // RTP packets that never arrived
	Jitter             time.Duration // interarrival jitter of what we receive
	RTT                time.Duration // from RTCP, 0 until known
	RemoteFractionLost float64       // loss the far end reports on what we send
	RemoteLost         uint64
	RemoteJitter       time.Duration
	Concealed          uint64        // frames made up by loss concealment
	Late               uint64        // packets that came after their playout time
	JitterDelay        time.Duration // current jitter buffer delay
	Codec              string
	Path               string       // selected network path: "host", "srflx", "prflx", "relay"; "" on a plain socket
	Video              *video.Stats // the call's main video stream; nil without one
}

// NewSession prepares the audio of a call on tr with dev as microphone and
// speaker; Start runs it.
func NewSession(tr Transport, dev audio.Device, cfg Config, h Handler) (*Session, error) {
	if cfg.Ptime <= 0 {
		cfg.Ptime = 20 * time.Millisecond
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if dev.Format().Period != cfg.Ptime {
		return nil, fmt.Errorf("media: device period %v differs from ptime %v", dev.Format().Period, cfg.Ptime)
	}
	info := cfg.Codec.Info()
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("media: ssrc: %w", err)
	}
	s := &Session{
		tr: tr, cfg: cfg, h: h, log: cfg.Log, dev: dev, devSwap: make(chan struct{}),
		ssrc:      binary.BigEndian.Uint32(b[:4]),
		cname:     fmt.Sprintf("softphone-%x", b[4:]),
		clockRate: info.ClockRate,
		dtmfOut:   make(chan rune, 32),
		stop:      make(chan struct{}),
	}
	s.recv.clockRate = info.ClockRate
	s.jb = NewJitterBuffer(JitterConfig{
		ClockRate: info.ClockRate,
		FrameTS:   info.TimestampStep(cfg.Ptime),
		Frame:     cfg.Ptime,
		MinDelay:  cfg.MinDelay,
		MaxDelay:  cfg.MaxDelay,
	})
	s.stats.Codec = info.Name
	s.SetRemote(cfg.Remote, cfg.RemoteRTCP)
	s.sending.Store(true)
	s.receiving.Store(true)
	return s, nil
}

func (s *Session) setRemote(rtpAddr, rtcpAddr netip.AddrPort) {
	s.remote.Store(&rtpAddr)
	switch {
	case s.cfg.RTCPMux:
		rtcpAddr = rtpAddr
	case !rtcpAddr.IsValid():
		rtcpAddr = netip.AddrPortFrom(rtpAddr.Addr(), rtpAddr.Port()+1)
	}
	s.remoteRTCP.Store(&rtcpAddr)
}

// Start runs the loops until Close.
func (s *Session) Start() error {
	send, err := newSender(s)
	if err != nil {
		return err
	}
	play, err := newPlayer(s)
	if err != nil {
		return err
	}
	send.play = play
	s.lastRTP.Store(time.Now().UnixNano())
	s.wg.Add(3)
	go func() { defer s.wg.Done(); send.run() }()
	go func() { defer s.wg.Done(); play.run() }()
	go func() { defer s.wg.Done(); s.rtcpLoop() }()
	return nil
}

// SetDirection says whether audio goes out (not when we hold the call or
// the far end does not want it) and whether audio is expected in.
func (s *Session) SetDirection(send, receive bool) {
	s.sending.Store(send)
	if receive && !s.receiving.Load() {
		// Do not count the time on hold as silence.
		s.lastRTP.Store(time.Now().UnixNano())
	}
	s.receiving.Store(receive)
}

// ResetMediaGuard restarts the no-media timer, e.g. when a call with early
// media is answered.
func (s *Session) ResetMediaGuard() {
	s.lastRTP.Store(time.Now().UnixNano())
	s.guardFired.Store(false)
}

// PauseMediaGuard stops (or restarts) the no-media timer, for while the
// far end holds the call and may send nothing.
func (s *Session) PauseMediaGuard(paused bool) {
	if !paused && s.guardPause.Load() {
		s.ResetMediaGuard()
	}
	s.guardPause.Store(paused)
}

// SetRemote points the stream at a new address (re-INVITE).
func (s *Session) SetRemote(rtpAddr, rtcpAddr netip.AddrPort) {
	sdp := netip.AddrPortFrom(rtpAddr.Addr().Unmap(), rtpAddr.Port())
	s.sdpRemote.Store(&sdp)
	s.setRemote(rtpAddr, rtcpAddr)
}

// Mute sends silence instead of the microphone: the stream keeps flowing so
// NATs and the far end's media guard stay happy, without a re-INVITE.
func (s *Session) Mute(on bool) { s.muted.Store(on) }

// SendDTMF queues digits to send as RFC 4733 events.
func (s *Session) SendDTMF(digits string) error {
	for _, d := range digits {
		if _, err := dtmfEvent(d); err != nil {
			return err
		}
	}
	if s.cfg.DTMFSendPT == 0 {
		return ErrNoDTMF
	}
	for _, d := range digits {
		select {
		case s.dtmfOut <- d:
		default:
			return errors.New("media: too many DTMF digits queued")
		}
	}
	return nil
}

// ErrNoDTMF means the far end did not accept telephone-event.
var ErrNoDTMF = errors.New("media: the far end does not take RFC 4733 DTMF")

// SwapDevice replaces the audio device mid-call (device lost, user choice).
func (s *Session) SwapDevice(dev audio.Device) error {
	if dev.Format() != s.Device().Format() {
		return fmt.Errorf("media: new device format %+v differs from %+v", dev.Format(), s.Device().Format())
	}
	s.devMu.Lock()
	old := s.dev
	s.setDeviceLocked(dev)
	s.devMu.Unlock()
	return old.Close()
}

// setDeviceLocked switches to dev and wakes a loop waiting for a change.
func (s *Session) setDeviceLocked(dev audio.Device) {
	s.dev = dev
	close(s.devSwap)
	s.devSwap = make(chan struct{})
}

// Device is the current audio device.
func (s *Session) Device() audio.Device {
	dev, _ := s.deviceAndSwap()
	return dev
}

// deviceAndSwap is the current device and a channel closed when it changes.
func (s *Session) deviceAndSwap() (audio.Device, <-chan struct{}) {
	s.devMu.Lock()
	defer s.devMu.Unlock()
	return s.dev, s.devSwap
}

// Stats returns the quality figures so far.
func (s *Session) Stats() Stats {
	s.mu.Lock()
	st := s.stats
	st.PacketsSent = s.sent.packets
	st.PacketsReceived = s.recv.totalReceived()
	st.Lost = s.recv.totalLost()
	st.Jitter = s.recv.jitterDuration()
	jb := s.jb.Stats()
	s.mu.Unlock()
	// What the player concealed, not the buffer's own counts: a packet
	// missing at its playout time is an underrun to the buffer, never
	// counted lost, yet the listener hears it concealed all the same.
	st.Concealed = s.concealed.Load()
	st.Late = jb.Late
	st.JitterDelay = jb.CurrentDelay
	return st
}

// Close stops the loops, sends an RTCP BYE and closes the sockets and the device.
func (s *Session) Close() error {
	var err error
	s.once.Do(func() {
		close(s.stop)
		s.sendRTCPBye()
		err = errors.Join(s.tr.Close(), s.Device().Close())
		s.wg.Wait()
	})
	return err
}

func (s *Session) stopped() bool {
	select {
	case <-s.stop:
		return true
	default:
		return false
	}
}
