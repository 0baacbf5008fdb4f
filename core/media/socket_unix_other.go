//go:build unix && !linux

package media

import (
	"net/netip"
	"syscall"
)

// recvmsgNoWake is a recvmsg(2) that does not block (the plain system
// call: only Linux gets the raw one, see socket_linux.go).
func recvmsgNoWake(fd int, p, oob []byte, from *netip.AddrPort) (n, oobn int, err error) {
	n, oobn, _, sa, err := syscall.Recvmsg(fd, p, oob, syscall.MSG_DONTWAIT)
	if err != nil {
		return 0, 0, err
	}
	switch a := sa.(type) {
	case *syscall.SockaddrInet4:
		*from = netip.AddrPortFrom(netip.AddrFrom4(a.Addr), uint16(a.Port))
	case *syscall.SockaddrInet6:
		*from = netip.AddrPortFrom(netip.AddrFrom16(a.Addr).Unmap(), uint16(a.Port))
	}
	return n, oobn, nil
}

// sendtoNoWake is a sendto(2) that does not block, on a socket of the given family.
func sendtoNoWake(fd, family int, p []byte, to netip.AddrPort) error {
	if family == syscall.AF_INET {
		a := to.Addr().Unmap()
		if !a.Is4() {
			return syscall.EAFNOSUPPORT
		}
		return syscall.Sendto(fd, p, syscall.MSG_DONTWAIT, &syscall.SockaddrInet4{Port: int(to.Port()), Addr: a.As4()})
	}
	return syscall.Sendto(fd, p, syscall.MSG_DONTWAIT, &syscall.SockaddrInet6{Port: int(to.Port()), Addr: to.Addr().As16()})
}
