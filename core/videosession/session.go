// Package videosession runs the video stream of a call over a
// media.Transport: it reads a capture source, paces, encodes, packetizes
// and sends it; it receives, reorders, assembles, decodes and shows the far
// end's; and it keeps both healthy with RTCP feedback (NACK
// retransmission, PLI/FIR key frame requests, REMB and receiver-report
// driven bit rate adaptation).
package videosession

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/softphone/softphone/core/media"
	"github.com/softphone/softphone/core/video"
)

// Feedback is the RTCP feedback the far end accepts (its a=rtcp-fb lines
// for our payload type): what we may send it.
type Feedback struct {
	NACK bool // generic NACK (RFC 4585 "nack")
	PLI  bool // picture loss indication ("nack pli")
	FIR  bool // full intra request (RFC 5104 "ccm fir")
	REMB bool // it sends REMB ("goog-remb"); a REMB that comes is obeyed either way
}

// DefaultMaxBitrate is the bit rate ceiling when Config.MaxBitrate is 0.
const DefaultMaxBitrate = 1_500_000

// DefaultKeyFrameInterval is how often a key frame goes to a far end that
// takes neither PLI nor FIR.
const DefaultKeyFrameInterval = 3 * time.Second

// Config is what offer/answer and the settings decided for one call's
// video stream.
type Config struct {
	Codec          video.Codec
	SendPT, RecvPT uint8
	Remote         netip.AddrPort // RTP destination
	RemoteRTCP     netip.AddrPort // RTCP destination; zero: RTP port + 1
	RTCPMux        bool           // RTCP goes to the RTP address (RFC 5761)
	Feedback       Feedback
	// Size is the most we send. The caller opens sources at Width and
	// Height: the session encodes whatever size comes (and reopens the
	// encoder when it changes). FPS is the frame rate we pace to (0: 30).
	Size       video.Constraints
	MaxBitrate int         // bits/s ceiling (b=AS/TIAS, or settings); 0: DefaultMaxBitrate
	RemoteFeed *video.Feed // the far end's decoded pictures (nil: not shown)
	LocalFeed  *video.Feed // our captured pictures, the preview (nil: none)
	// KeyFrameInterval forces a key frame when none was sent for this
	// long, so a far end that cannot ask for one recovers from loss.
	// 0: DefaultKeyFrameInterval when the far end takes neither PLI nor
	// FIR, else none; negative: never.
	KeyFrameInterval time.Duration
	Log              *slog.Logger
}

// Session is one call's video stream. It owns the Transport given to it
// (Close closes it, as the audio media.Session does), the current source
// and the codecs.
type Session struct {
	tr    media.Transport
	cfg   Config
	log   *slog.Logger
	ssrc  uint32
	cname string
	pkt   packetizer   // how the codec's frames go into RTP payloads; the send goroutine's
	depkt depacketizer // and back (stateless)

	remote     atomic.Pointer[netip.AddrPort]
	remoteRTCP atomic.Pointer[netip.AddrPort]
	sending    atomic.Bool
	receiving  atomic.Bool
	wantKey    atomic.Bool // the far end asked for a key frame
	keyReq     keyRequester
	rate       adapter
	hist       *history
	st         counters
	lastFIR    int          // sequence number of the far end's last FIR, -1 none; the RTCP reader's alone
	gapWaitFor atomic.Int64 // tests: how long a missing packet is waited for (0: by the RTT)

	// rtcpMu serializes SendRTCP: reports, feedback and the BYE come
	// from three goroutines and a transport stage (SRTCP) need not be
	// safe for concurrent use.
	rtcpMu sync.Mutex

	// mu guards recv (the reception statistics our reports carry), sent
	// (what our SR says) and rtt.
	mu   sync.Mutex
	recv recvStats
	sent sentStats
	rtt  time.Duration

	// srcMu guards src, srcCancel and srcDone: the send goroutine of the
	// current source. SetSource and Close hold it while they stop one.
	srcMu     sync.Mutex
	src       video.Source
	srcCancel context.CancelFunc
	srcDone   chan struct{}
	send      *sender // state the successive send goroutines share, one at a time

	started atomic.Bool
	stop    chan struct{}
	wg      sync.WaitGroup
	once    sync.Once
}

type sentStats struct {
	packets, octets uint64
	lastTS          uint32
	lastAt          time.Time
}

// New prepares a call's video on tr; Start runs it. tr becomes the
// session's: Close closes it.
func New(tr media.Transport, cfg Config) (*Session, error) {
	pk, dp, err := payloadFormat(cfg.Codec.Name)
	if err != nil {
		return nil, err
	}
	if cfg.Codec.NewEncoder == nil || cfg.Codec.NewDecoder == nil {
		return nil, fmt.Errorf("videosession: codec %s has no encoder or decoder", cfg.Codec.Name)
	}
	if cfg.Size.FPS <= 0 {
		cfg.Size.FPS = 30
	}
	if cfg.MaxBitrate <= 0 {
		cfg.MaxBitrate = DefaultMaxBitrate
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.KeyFrameInterval == 0 && !cfg.Feedback.PLI && !cfg.Feedback.FIR {
		cfg.KeyFrameInterval = DefaultKeyFrameInterval
	}
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("videosession: ssrc: %w", err)
	}
	s := &Session{
		tr: tr, cfg: cfg, log: cfg.Log,
		ssrc:  binary.BigEndian.Uint32(b[:4]),
		cname: fmt.Sprintf("softphone-%x", b[4:]),
		pkt:   pk, depkt: dp,
		hist: newHistory(), lastFIR: -1,
		stop: make(chan struct{}),
	}
	s.rate.init(cfg.MaxBitrate, cfg.Size.FPS)
	s.keyReq.fir = cfg.Feedback.FIR && !cfg.Feedback.PLI
	s.keyReq.allowed = cfg.Feedback.PLI || cfg.Feedback.FIR
	s.send = newSender(s, binary.BigEndian.Uint16(b[6:]))
	s.setRemote(cfg.Remote, cfg.RemoteRTCP)
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

// Start runs the receive and RTCP loops, and the send loop of a source
// set before; it fails if the decoder cannot be made.
func (s *Session) Start() error {
	if s.stopped() {
		return errors.New("videosession: closed")
	}
	if s.started.Swap(true) {
		return errors.New("videosession: already started")
	}
	rx, err := newReceiver(s)
	if err != nil {
		return err
	}
	s.wg.Add(3)
	go func() { defer s.wg.Done(); rx.run() }()
	go func() { defer s.wg.Done(); s.readRTCPLoop() }()
	go func() { defer s.wg.Done(); s.reportLoop() }()
	s.srcMu.Lock()
	if s.src != nil && s.srcDone == nil {
		s.startSendLocked()
	}
	s.srcMu.Unlock()
	return nil
}

// SetSource makes src what we send (nil: nothing, the camera is off). The
// session owns src from then on: it closes the previous source, and src at
// Close. Before Start, src waits for Start.
func (s *Session) SetSource(src video.Source) {
	s.srcMu.Lock()
	defer s.srcMu.Unlock()
	old := s.stopSendLocked()
	if s.stopped() {
		if src != nil {
			s.closeSource(src)
		}
		src = nil
	}
	s.src = src
	if old != nil && old != src {
		s.closeSource(old)
	}
	if src == nil {
		if s.cfg.LocalFeed != nil {
			s.cfg.LocalFeed.Clear()
		}
		return
	}
	if s.started.Load() {
		s.startSendLocked()
	}
}

func (s *Session) closeSource(src video.Source) {
	if err := src.Close(); err != nil {
		s.log.Debug("videosession: closing source", "error", err)
	}
}

// startSendLocked runs a send goroutine for s.src.
func (s *Session) startSendLocked() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	s.srcCancel, s.srcDone = cancel, done
	src := s.src
	go func() {
		defer close(done)
		s.send.run(ctx, src)
	}()
}

// stopSendLocked ends the running send goroutine, if any, and returns the
// source it read.
func (s *Session) stopSendLocked() video.Source {
	if s.srcDone != nil {
		s.srcCancel()
		<-s.srcDone
		s.srcCancel, s.srcDone = nil, nil
	}
	return s.src
}

// SetDirection says whether video goes out (not on hold, nor when the far
// end does not want it) and whether video is expected in. The source keeps
// feeding the preview while sending is off.
func (s *Session) SetDirection(send, recv bool) {
	if send && !s.sending.Load() {
		// The far end may have dropped its decoder's state meanwhile.
		s.wantKey.Store(true)
	}
	s.sending.Store(send)
	s.receiving.Store(recv)
}

// SetRemote points the stream at new addresses (re-INVITE).
func (s *Session) SetRemote(rtpAddr, rtcpAddr netip.AddrPort) { s.setRemote(rtpAddr, rtcpAddr) }

// RequestKeyFrame asks the far end for a key frame: PLI, or FIR when it
// only takes FIR; nothing when it takes neither. Requests closer together
// than keyRequestGap are folded into one.
func (s *Session) RequestKeyFrame() { s.requestKeyFrame(time.Now()) }

// SendKeyFrame makes the next frame we send a key frame: when what was
// sent before could not reach the far end (an SRTP stage keyed late).
func (s *Session) SendKeyFrame() { s.wantKey.Store(true) }

// Close stops the loops, sends an RTCP BYE, closes the transport, and then
// the source and the codecs. A source must honour Read's context: Close
// waits for the send goroutine.
func (s *Session) Close() error {
	var err error
	s.once.Do(func() {
		close(s.stop)
		s.srcMu.Lock()
		src := s.stopSendLocked()
		s.src = nil
		s.srcMu.Unlock()
		if s.started.Load() {
			s.sendRTCP(s.bye(time.Now()))
		}
		err = s.tr.Close()
		s.wg.Wait()
		if src != nil {
			err = errors.Join(err, src.Close())
		}
		err = errors.Join(err, s.send.close())
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
