package core

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/callmedia"
	"github.com/softphone/softphone/core/conference"
	"github.com/softphone/softphone/core/media"
	"github.com/softphone/softphone/core/sdp"
	"github.com/softphone/softphone/core/secure"
	"github.com/softphone/softphone/core/sip"
)

// ErrUnknownCall is returned for a call id the phone does not have.
var ErrUnknownCall = errors.New("unknown call")

// Errors of SendDTMF: a digit outside 0-9 * # A-D, or a far end that
// did not agree to RFC 4733 events.
var (
	ErrDTMFDigit = media.ErrDTMFDigit
	ErrNoDTMF    = media.ErrNoDTMF
)

// DialOptions are per-call settings of Dial.
type DialOptions struct {
	Account string // account to call from; "" picks one by the address
	// HoldOthers puts the calls in progress on hold first, as a phone does
	// when its user dials a second call (the GUI and console set it; a
	// program hosting many calls does not).
	HoldOthers bool
	Video      call.VideoRequest // the call's video from the start
}

// activeCall is one call with everything it owns: its state machine, its
// SIP dialog or pending invitation, its sockets and media session.
type activeCall struct {
	p  *Engine
	m  *call.Machine
	id string
	ln *line // nil for a direct call

	mu        sync.Mutex
	dialog    *sip.Dialog
	incoming  *sip.Incoming
	cancel    context.CancelFunc // aborts an unanswered outgoing INVITE (CANCEL)
	media     *callmedia.Stream  // set before the call is listed, never changed (an incoming call's binds when answered)
	early     sip.Early          // an outgoing call's dialog before the answer (pickup)
	settled   atomic.Bool        // an incoming call's final answer is chosen (see settle)
	replacing atomic.Bool        // a call replacing this one (RFC 3891) is being answered
	ringSlot  atomic.Bool        // it holds one of the phone's ringing slots (reserveRing)
	ended     chan struct{}
	endOnce   sync.Once
	leg       conference.Leg // its conference and waiting tone, guarded by p.confs
}

func newCallID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%x", b)
}

func (p *Engine) addCall(c *activeCall) {
	p.mu.Lock()
	p.calls[c.id] = c
	p.mu.Unlock()
}

func (p *Engine) getCall(id string) (*activeCall, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c, ok := p.calls[id]
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownCall, id)
	}
	return c, nil
}

// Dial places a call and returns its id at once; what happens next comes
// as CallEvents. Cancel it with Hangup.
func (p *Engine) Dial(ctx context.Context, to string, o DialOptions) (string, error) {
	if o.HoldOthers {
		p.holdOthers(ctx, "")
	}
	c, err := p.dial(to, o, nil, nil)
	if err != nil {
		return "", err
	}
	return c.id, nil
}

// dial places a call with extra INVITE headers (Replaces, Referred-By);
// setup, when not nil, adjusts the call before its first event.
func (p *Engine) dial(to string, o DialOptions, hdrs []sip.Header, setup func(*call.Info)) (*activeCall, error) {
	ua, err := p.sipUA()
	if err != nil {
		return nil, err
	}
	ln, uri, err := p.resolveTarget(to, o.Account)
	if err != nil {
		return nil, err
	}
	var target *sip.Target
	dest := ""
	if ln != nil {
		t := ln.Target()
		target = &t
		if dest, err = t.Destination(); err != nil {
			return nil, err
		}
	} else {
		u, _ := sip.ParseTarget(uri)
		port := u.Port
		if port == 0 {
			port = sip.DefaultPort
		}
		dest = net.JoinHostPort(u.Host, strconv.Itoa(port))
	}
	c := &activeCall{p: p, id: newCallID(), ln: ln, ended: make(chan struct{})}
	if err := c.openMedia(dest, nil); err != nil {
		return nil, err
	}
	if _, err = c.media.SetVideo(p.life, o.Video); err != nil {
		p.o.log.Warn("call: placed without video", "error", err)
	}
	offer, err := c.media.Offer()
	if err != nil {
		c.media.Close(nil)
		return nil, err
	}
	account := ""
	if ln != nil {
		account = ln.Cfg.Name
	}
	c.m = call.New(c.id, call.Outgoing, account, call.Party{URI: uri}, p.emitCall, nil)
	p.nameCall(c.m) // caller ID
	if setup != nil {
		c.m.Init(setup)
	}
	ctx, cancel := context.WithCancel(p.life)
	c.cancel = cancel
	c.early = sip.NewEarly() // before the call is listed: pickup looks for it
	p.addCall(c)
	p.emitCall(c.m.Info())
	go c.invite(ctx, ua, sip.InviteOptions{From: target, To: uri, Offer: offer, Progress: c.progress, Headers: hdrs, Early: c.early, Handler: c})
	return c, nil
}

func (c *activeCall) invite(ctx context.Context, ua *sip.UA, o sip.InviteOptions) {
	start := time.Now()
	d, answer, err := ua.Invite(ctx, o)
	rd := c.newRedirects(o.To)
	for err != nil && !c.isEnded() { // 301/302 send us on to a Contact
		next, ferr := rd.Follow(c.m, err)
		if next == "" {
			err = ferr
			break
		}
		o.To = next
		d, answer, err = ua.Invite(ctx, o)
	}
	if err != nil {
		var se *sip.StatusError
		var ce *callEnd
		switch {
		case errors.As(err, &ce):
			c.end(ce.Reason, ce.Code)
		case errors.As(err, &se) && se.Code == 488 && c.media.Mandatory():
			c.end(callmedia.ErrEncryptionRequired.Error()+": the far end refused encrypted media ("+se.Error()+")", se.Code)
		case errors.As(err, &se):
			c.end(se.Error(), se.Code)
		case errors.Is(err, context.Canceled):
			c.end("cancelled", 487)
		default:
			c.end(err.Error(), 0)
		}
		return
	}
	c.mu.Lock()
	c.dialog = d
	c.mu.Unlock()
	if c.isEnded() {
		// Hung up while the 200 was on its way: end the dialog it created.
		c.p.endLeg(c, "", 0, true)
		return
	}
	neg, err := c.media.ParseAnswer(answer)
	if err != nil {
		c.p.o.log.Warn("call: bad answer", "call", c.id, "error", err)
		c.p.endLeg(c, "unusable answer: "+err.Error(), 488, true)
		return
	}
	early := c.session()
	if early != nil && strings.EqualFold(early.Stats().Codec, neg.Codec.Name) {
		// Early media already flows: follow the final answer's address.
		c.media.Apply(neg)
		early.ResetMediaGuard()
	} else if early != nil {
		c.p.endLeg(c, "the answer changed the codec of early media", 488, true)
		return
	} else if err := c.startMedia(neg); err != nil {
		code := 0
		if errors.Is(err, callmedia.ErrEncryptionRequired) {
			code = 488
		}
		c.p.endLeg(c, "media: "+err.Error(), code, true)
		return
	}
	c.p.o.log.Info("call answered", "call", c.id, "setup", time.Since(start), "codec", neg.Codec.Name)
	_ = c.m.Answered(neg.Codec.Name)
}

// progress takes 18x responses: ringing, and early media on 183 with SDP.
func (c *activeCall) progress(code int, reason string, body []byte) {
	if code == 100 {
		return
	}
	_ = c.m.Ringing()
	if len(body) == 0 || c.isEnded() {
		return
	}
	if c.session() != nil {
		return
	}
	if neg, err := c.media.ParseAnswer(body); err == nil {
		if err := c.startMedia(neg); err != nil {
			c.p.o.log.Debug("call: early media", "error", err)
		}
	}
}

// openMedia opens the media transport and prepares our SDP side: an
// answer to offer when the far end offered (an incoming call), else ours.
// Gathering NAT candidates may take a STUN or TURN round trip.
func (c *activeCall) openMedia(peer string, offer []byte) error {
	cfg, sec := c.mediaConfig()
	ctx, cancel := context.WithTimeout(c.p.life, 5*time.Second)
	defer cancel()
	bind, adv, err := c.mediaAddrs(ctx, peer)
	if err != nil {
		return err
	}
	c.media, err = callmedia.Open(ctx, bind, adv, c.p.o.ports, cfg, sec, offer)
	return err
}

// mediaConfig is what the call's media takes from the phone and its
// account.
func (c *activeCall) mediaConfig() (callmedia.Config, callmedia.Security) {
	var sec callmedia.Security
	if c.ln != nil {
		sec = callmedia.SecurityFor(c.ln.Cfg)
	}
	return callmedia.Config{
		Codecs: c.p.codecList(), Encoder: c.p.o.encoder, NoMediaTimeout: c.p.o.noMediaTimeout,
		Cert: c.p.dtlsCert, Log: c.p.o.log, Video: c.p.videoConfig(), Intercept: c.p.o.intercept,
	}, sec
}

// mediaAddrs are where media toward peer binds and what our SDP
// advertises.
func (c *activeCall) mediaAddrs(ctx context.Context, peer string) (bind, adv netip.Addr, err error) {
	ua, err := c.p.sipUA()
	if err != nil {
		return netip.Addr{}, netip.Addr{}, err
	}
	return ua.MediaAddrs(ctx, peer)
}

// bindMedia opens an incoming call's sockets, when it is answered.
func (c *activeCall) bindMedia(peer string) error {
	ctx, cancel := context.WithTimeout(c.p.life, 5*time.Second)
	defer cancel()
	bind, adv, err := c.mediaAddrs(ctx, peer)
	if err != nil {
		return err
	}
	return c.media.Bind(ctx, bind, adv, c.p.o.ports)
}

// startMedia opens the audio device and runs the media session for neg.
func (c *activeCall) startMedia(neg sdp.Negotiated) error {
	if c.session() != nil {
		return nil
	}
	_, f, err := c.media.Format(neg)
	if err != nil {
		return err
	}
	dev, err := c.p.o.audio(c.m.Info(), f)
	if err != nil {
		return fmt.Errorf("audio device: %w", err)
	}
	dev = c.p.confs.Wrap(c, dev) // recording tap, waiting tone
	started, err := c.media.Start(neg, dev, c.isEnded, mediaHandler{c})
	if errors.Is(err, callmedia.ErrEncryptionRequired) {
		c.p.o.log.Warn("call: media not encrypted", "call", c.id, "error", err)
	}
	if started && err == nil {
		c.showVideo()
		go c.media.ReportStats(c.ended, statsInterval, func(st media.Stats) {
			c.p.bus.Publish(CallStatsEvent{CallID: c.id, Stats: st})
		})
	}
	return err
}

// statsInterval matches RTCP's 5 s report interval.
const statsInterval = 5 * time.Second

// session is the call's media session, nil before media starts.
func (c *activeCall) session() *media.Session { return c.media.Session() }

func (c *activeCall) isEnded() bool {
	select {
	case <-c.ended:
		return true
	default:
		return false
	}
}

// end finishes the call once: bookkeeping, media, sockets, state. The call
// leaves Calls() before its ended event goes out, so a screen redrawn on
// that event no longer shows it.
func (c *activeCall) end(reason string, code int) {
	c.endOnce.Do(func() {
		close(c.ended)
		c.unring()
		c.mu.Lock()
		cancel := c.cancel
		c.mu.Unlock()
		// Also finishes its recording.
		c.media.Close(func(st media.Stats) {
			c.p.bus.Publish(CallStatsEvent{CallID: c.id, Stats: st, Final: true})
		})
		if cancel != nil {
			cancel()
		}
		// Listed until its media is closed, so a program that waits for
		// the call to go finds its recording finished.
		c.p.mu.Lock()
		delete(c.p.calls, c.id)
		c.p.mu.Unlock()
		_ = c.m.End(reason, code)
	})
}

// endLeg ends c for the user at once and, when bye, sends its BYE without
// holding up the caller. The BYE is counted before the call ends, so a
// Close prompted by the ended event waits for it. Ending an ended call
// changes nothing, so endLeg(c, "", 0, true) only hangs up its dialog.
func (p *Engine) endLeg(c *activeCall, reason string, code int, bye bool) {
	if bye {
		p.byes.Add(1)
	}
	c.end(reason, code)
	if bye {
		go func() {
			defer p.byes.Done()
			c.bye()
		}()
	}
}

func (c *activeCall) bye() {
	c.mu.Lock()
	d := c.dialog
	c.mu.Unlock()
	if d == nil {
		return
	}
	ctx, cancel := context.WithTimeout(c.p.life, 5*time.Second)
	defer cancel()
	if err := d.Bye(ctx); err != nil {
		c.p.o.log.Debug("call: bye", "call", c.id, "error", err)
	}
}

// dtlsCert is the phone's DTLS identity, or nil (logged) if none can be made.
func (p *Engine) dtlsCert() *secure.Certificate {
	c, err := p.dtls.Get()
	if err != nil {
		p.o.log.Warn("media: no DTLS certificate: DTLS-SRTP is off", "error", err)
	}
	return c
}
