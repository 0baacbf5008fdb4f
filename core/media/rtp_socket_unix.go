//go:build unix

package media

import (
	"errors"
	"net"
	"net/netip"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// socketReader reads with non-blocking recvmsg and asks the kernel to stamp
// each packet's arrival (SO_TIMESTAMP), so a packet read up to a period
// late still counts its true arrival in the jitter estimate.
type socketReader struct {
	rc      syscall.RawConn
	stamped bool
	read    func(fd uintptr) bool // made once: a closure per call would allocate

	buf     []byte
	oob     []byte
	n, oobn int
	from    netip.AddrPort
	errno   error
}

func newRTPReader(c *net.UDPConn) (rtpReader, error) {
	rc, err := c.SyscallConn()
	if err != nil {
		return nil, err
	}
	r := &socketReader{rc: rc, oob: make([]byte, unix.CmsgSpace(int(unsafe.Sizeof(unix.Timeval{})))*2)}
	if err := rc.Control(func(fd uintptr) {
		r.stamped = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_TIMESTAMP, 1) == nil
	}); err != nil {
		return nil, err
	}
	r.read = func(fd uintptr) bool {
		r.n, r.oobn, r.errno = recvmsgNoWake(int(fd), r.buf, r.oob, &r.from)
		return true // never wait for the socket: the caller drains what is there
	}
	return r, nil
}

func (r *socketReader) next(buf []byte) (int, netip.AddrPort, time.Time, bool, error) {
	r.buf = buf
	err := r.rc.Read(r.read)
	r.buf = nil
	now := time.Now()
	switch {
	case err != nil:
		return 0, netip.AddrPort{}, now, false, err
	case errors.Is(r.errno, syscall.EAGAIN) || errors.Is(r.errno, syscall.EWOULDBLOCK) || errors.Is(r.errno, syscall.EINTR):
		return 0, netip.AddrPort{}, now, false, nil
	case r.errno != nil:
		return 0, netip.AddrPort{}, now, false, r.errno
	}
	from := r.from
	if r.stamped {
		if t, ok := arrivalStamp(r.oob[:r.oobn]); ok {
			// The stamp is wall-clock time; keep now's monotonic reading
			// and step back by the packet's age. A clock step (NTP) makes
			// the age nonsense: then the read time stands.
			if age := now.Sub(t); age >= 0 && age < time.Second {
				now = now.Add(-age)
			}
		}
	}
	return r.n, from, now, true, nil
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

// socketWriter sends with a non-blocking sendto on the socket's own family.
type socketWriter struct {
	rc     syscall.RawConn
	family int
	write  func(fd uintptr) bool // made once: a closure per call would allocate

	p   []byte
	to  netip.AddrPort
	err error
}

func newRTPWriter(c *net.UDPConn) (rtpWriter, error) {
	rc, err := c.SyscallConn()
	if err != nil {
		return nil, err
	}
	w := &socketWriter{rc: rc, family: syscall.AF_INET6}
	var serr error
	if err := rc.Control(func(fd uintptr) {
		var sa syscall.Sockaddr
		if sa, serr = syscall.Getsockname(int(fd)); serr == nil {
			if _, ok := sa.(*syscall.SockaddrInet4); ok {
				w.family = syscall.AF_INET
			}
		}
	}); err != nil {
		return nil, err
	}
	if serr != nil {
		return nil, serr
	}
	w.write = func(fd uintptr) bool {
		w.err = sendtoNoWake(int(fd), w.family, w.p, w.to)
		return true // never wait: a full socket buffer drops the packet
	}
	return w, nil
}

func (w *socketWriter) send(p []byte, to netip.AddrPort) error {
	w.p, w.to = p, to
	err := w.rc.Write(w.write)
	w.p = nil
	if err != nil {
		return err
	}
	return w.err
}
