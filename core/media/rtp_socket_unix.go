//go:build unix

package media

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// rtpSock is the call's RTP socket, kept out of the Go runtime's network
// poller: the call's loop only ever reads it without blocking, so the
// poller's readiness event for each arriving packet would only wake a
// runtime thread for nothing. Reads and writes never block (MSG_DONTWAIT).
type rtpSock struct {
	mu      sync.RWMutex // Close waits for a read or write in progress
	fd      int          // -1 once closed
	family  int
	port    int
	stamped bool // the kernel stamps each packet's arrival (SO_TIMESTAMP)
}

func listenRTP(ap netip.AddrPort) (*rtpSock, error) {
	a := ap.Addr().Unmap()
	family := syscall.AF_INET
	if a.Is6() {
		family = syscall.AF_INET6
	}
	fd, err := syscall.Socket(family, syscall.SOCK_DGRAM, 0)
	if err != nil {
		return nil, fmt.Errorf("media: rtp socket: %w", err)
	}
	syscall.CloseOnExec(fd)
	s := &rtpSock{fd: fd, family: family}
	var sa syscall.Sockaddr
	if family == syscall.AF_INET6 {
		if a.IsUnspecified() {
			_ = syscall.SetsockoptInt(fd, syscall.IPPROTO_IPV6, syscall.IPV6_V6ONLY, 0) // dual stack, as net does
		}
		sa = &syscall.SockaddrInet6{Port: int(ap.Port()), Addr: a.As16()}
	} else {
		sa = &syscall.SockaddrInet4{Port: int(ap.Port()), Addr: a.As4()}
	}
	if err := syscall.Bind(fd, sa); err != nil {
		syscall.Close(fd)
		return nil, fmt.Errorf("media: rtp bind %v: %w", ap, err)
	}
	bound, err := syscall.Getsockname(fd)
	if err != nil {
		syscall.Close(fd)
		return nil, fmt.Errorf("media: rtp socket: %w", err)
	}
	switch b := bound.(type) {
	case *syscall.SockaddrInet4:
		s.port = b.Port
	case *syscall.SockaddrInet6:
		s.port = b.Port
	}
	s.stamped = syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_TIMESTAMP, 1) == nil
	return s, nil
}

// Port is the local port.
func (s *rtpSock) Port() int { return s.port }

// Close closes the socket; later reads and writes return net.ErrClosed.
func (s *rtpSock) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fd < 0 {
		return nil
	}
	err := syscall.Close(s.fd)
	s.fd = -1
	return err
}

func (s *rtpSock) reader() rtpReader {
	return &sockReader{s: s, oob: make([]byte, unix.CmsgSpace(int(unsafe.Sizeof(unix.Timeval{})))*2)}
}

// send sends p to `to` without blocking the capture loop: a packet the
// kernel will not queue is dropped, as the network would drop it.
func (s *rtpSock) send(p []byte, to netip.AddrPort) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.fd < 0 {
		return net.ErrClosed
	}
	return sendtoNoWake(s.fd, s.family, p, to)
}

// sockReader reads with the arrival stamps, so a packet read up to a
// period late still counts its true arrival in the jitter estimate.
type sockReader struct {
	s   *rtpSock
	oob []byte
}

func (r *sockReader) next(buf []byte) (int, netip.AddrPort, time.Time, bool, error) {
	var from netip.AddrPort
	r.s.mu.RLock()
	if r.s.fd < 0 {
		r.s.mu.RUnlock()
		return 0, from, time.Now(), false, net.ErrClosed
	}
	n, oobn, err := recvmsgNoWake(r.s.fd, buf, r.oob, &from)
	r.s.mu.RUnlock()
	now := time.Now()
	switch {
	case errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EWOULDBLOCK) || errors.Is(err, syscall.EINTR):
		return 0, from, now, false, nil
	case err != nil:
		return 0, from, now, false, err
	}
	if r.s.stamped {
		if t, ok := arrivalStamp(r.oob[:oobn]); ok {
			// The stamp is wall-clock time; keep now's monotonic reading
			// and step back by the packet's age. A clock step (NTP) makes
			// the age nonsense: then the read time stands.
			if age := now.Sub(t); age >= 0 && age < time.Second {
				now = now.Add(-age)
			}
		}
	}
	return n, from, now, true, nil
}

// arrivalStamp finds the SCM_TIMESTAMP control message.
func arrivalStamp(oob []byte) (time.Time, bool) {
	for len(oob) > 0 {
		h, data, rest, err := unix.ParseOneSocketControlMessage(oob)
		if err != nil {
			return time.Time{}, false
		}
		if h.Level == unix.SOL_SOCKET && h.Type == unix.SCM_TIMESTAMP && len(data) >= int(unsafe.Sizeof(unix.Timeval{})) {
			tv := (*unix.Timeval)(unsafe.Pointer(&data[0]))
			return time.Unix(tv.Unix()), true
		}
		oob = rest
	}
	return time.Time{}, false
}
