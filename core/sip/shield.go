package sip

import (
	"bytes"
	"errors"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/emiago/sipgo/sip"
)

// Limits on what the network may send us. A softphone's own traffic is a
// few kilobytes per request and a handful of requests a second; a
// scanner's flood is neither, and is shed before it costs more than a
// read.
const (
	// MaxMessage bounds one SIP message, headers and body (sipgo's read
	// buffer: a datagram is read into this much).
	MaxMessage = 32 << 10
	// MaxHeaders bounds the header lines of one message.
	MaxHeaders = 100
	// SourceRate and SourceBurst bound the messages per second one
	// address may send that no registration of ours vouches for (see
	// WithSourceLimit).
	SourceRate  = 50
	SourceBurst = 100
	// maxSources bounds the addresses the limiter remembers.
	maxSources = 4096
	// refusalLogEvery is the least time between two log lines about
	// what was refused.
	refusalLogEvery = 10 * time.Second
)

// maxBody is the largest body each method may carry; others get
// defaultMaxBody.
var maxBody = map[sip.RequestMethod]int{
	sip.INVITE:  16 << 10, // SDP: an audio and a few video lines with ICE and keys
	sip.NOTIFY:  MaxMessage,
	sip.MESSAGE: MaxMessageSize,
	sip.INFO:    4 << 10,
}

const defaultMaxBody = 4 << 10

// errFlood closes a stream connection whose peer exceeds its rate.
var errFlood = errors.New("sip: peer exceeds its request rate")

// Refusals counts what the phone turned away since it started.
type Refusals struct {
	Forbidden int64 // 403: not through a registration, direct calls not allowed
	Busy      int64 // 486: too many calls ringing
	Limited   int64 // dropped unread: over the per-source rate
	Oversize  int64 // dropped or refused: too large, too many headers
}

func (r Refusals) total() int64 { return r.Forbidden + r.Busy + r.Limited + r.Oversize }

// shield sheds what the network sends beyond our limits and counts
// what the phone refuses, in one log line every refusalLogEvery.
type shield struct {
	g           *gate
	ds          *dialogs
	log         *slog.Logger
	now         func() time.Time
	rate, burst float64 // per source: messages a second, and at once

	mu      sync.Mutex // guards the fields below
	buckets map[netip.Addr]*bucket
	total   Refusals
	logged  Refusals  // total when the last line was written
	lastLog time.Time // when it was
	worst   netip.Addr
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newShield(g *gate, ds *dialogs, log *slog.Logger, rate, burst int) *shield {
	return &shield{g: g, ds: ds, log: log, now: time.Now, rate: float64(rate), burst: float64(burst), buckets: map[netip.Addr]*bucket{}}
}

// filter runs on every read before sipgo parses it: a datagram or a
// stream chunk. Returning nothing drops it; an error closes a stream.
func (s *shield) filter(props sip.TransportReadProps, data []byte) ([]byte, error) {
	src := addrPortOf(props.RemoteAddr)
	// sipgo names UDP "UDP": an error there would stop the listener's
	// reading altogether, where on a stream it closes one connection.
	_, datagram := props.RemoteAddr.(*net.UDPAddr)
	stream := !datagram && !strings.EqualFold(props.Transport, "udp")
	// sipgo reads a datagram into MaxMessage bytes: one that fills them
	// was cut short.
	if !stream && len(data) >= MaxMessage {
		s.count(src.Addr(), func(r *Refusals) { r.Oversize++ })
		return nil, nil
	}
	if s.g.trusted(src) || s.ds.inCall(src) {
		return data, nil
	}
	line := data
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	// Answers to our own requests, and requests for a registration of
	// ours, are not what the limit is for.
	if bytes.HasPrefix(line, []byte("SIP/2.0 ")) || s.g.carriesToken(line) {
		return data, nil
	}
	if !s.allow(src.Addr()) {
		s.count(src.Addr(), func(r *Refusals) { r.Limited++ })
		if stream {
			return nil, errFlood
		}
		return nil, nil
	}
	if !stream && tooManyHeaders(data) {
		s.count(src.Addr(), func(r *Refusals) { r.Oversize++ })
		return nil, nil
	}
	return data, nil
}

// tooManyHeaders counts a datagram's header lines.
func tooManyHeaders(data []byte) bool {
	end := bytes.Index(data, []byte("\r\n\r\n"))
	if end < 0 {
		end = len(data)
	}
	return bytes.Count(data[:end], []byte("\n")) > MaxHeaders
}

// allow takes one token from a's bucket.
func (s *shield) allow(a netip.Addr) bool {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.buckets[a]
	if b == nil {
		if len(s.buckets) >= maxSources {
			s.evict(now)
		}
		b = &bucket{tokens: s.burst, last: now}
		s.buckets[a] = b
	}
	b.tokens += now.Sub(b.last).Seconds() * s.rate
	if b.tokens > s.burst {
		b.tokens = s.burst
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// evict forgets the sources whose buckets are full again (idle), or all
// of them when none is: a flood of spoofed addresses must not grow the
// map, and a forgotten source only gets a fresh burst.
func (s *shield) evict(now time.Time) {
	for a, b := range s.buckets {
		if now.Sub(b.last).Seconds()*s.rate+b.tokens >= s.burst {
			delete(s.buckets, a)
		}
	}
	if len(s.buckets) >= maxSources {
		clear(s.buckets)
	}
}

// refused counts a request the phone refused with code.
func (s *shield) refused(a netip.Addr, code int) {
	s.count(a, func(r *Refusals) {
		if code == sip.StatusBusyHere {
			r.Busy++
		} else {
			r.Forbidden++
		}
	})
}

// count applies add to the totals and writes the log line when it is due.
func (s *shield) count(a netip.Addr, add func(*Refusals)) {
	now := s.now()
	s.mu.Lock()
	add(&s.total)
	s.worst = a
	if now.Sub(s.lastLog) < refusalLogEvery {
		s.mu.Unlock()
		return
	}
	t, l, worst := s.total, s.logged, s.worst
	s.logged, s.lastLog = t, now
	s.mu.Unlock()
	s.log.Warn("sip: refused requests",
		"forbidden", t.Forbidden-l.Forbidden, "busy", t.Busy-l.Busy,
		"rate_limited", t.Limited-l.Limited, "oversize", t.Oversize-l.Oversize,
		"total", t.total(), "last_source", worst, "every", refusalLogEvery)
}

// Refusals is what the phone has turned away so far.
func (u *UA) Refusals() Refusals {
	u.shield.mu.Lock()
	defer u.shield.mu.Unlock()
	return u.shield.total
}

// guard refuses a request whose headers or body exceed the limits, which
// the datagram filter cannot see on a stream, before h reads it.
func (u *UA) guard(h func(*sip.Request, sip.ServerTransaction)) func(*sip.Request, sip.ServerTransaction) {
	return func(req *sip.Request, tx sip.ServerTransaction) {
		limit, ok := maxBody[req.Method]
		if !ok {
			limit = defaultMaxBody
		}
		src, _ := netip.ParseAddrPort(req.Source())
		switch {
		case len(req.Headers()) > MaxHeaders:
			u.shield.count(src.Addr(), func(r *Refusals) { r.Oversize++ })
			if !req.IsAck() {
				u.respond(tx, req, sip.StatusBadRequest, "Too Many Headers", nil)
			}
		case len(req.Body()) > limit:
			u.shield.count(src.Addr(), func(r *Refusals) { r.Oversize++ })
			if !req.IsAck() {
				u.respond(tx, req, sip.StatusRequestEntityTooLarge, "Request Entity Too Large", nil)
			}
		default:
			h(req, tx)
		}
	}
}

// sourceOf is where m came from, the zero value when unknown.
func sourceOf(m sip.Message) netip.AddrPort {
	if m == nil {
		return netip.AddrPort{}
	}
	ap, _ := netip.ParseAddrPort(m.Source())
	return unmap(ap)
}

// addrPortOf is a transport address as netip, the zero value when it is
// not an IP address.
func addrPortOf(a net.Addr) netip.AddrPort {
	switch a := a.(type) {
	case *net.UDPAddr:
		return unmap(a.AddrPort())
	case *net.TCPAddr:
		return unmap(a.AddrPort())
	case nil:
		return netip.AddrPort{}
	}
	ap, _ := netip.ParseAddrPort(a.String())
	return unmap(ap)
}
