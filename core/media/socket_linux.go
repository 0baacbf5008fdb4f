package media

import (
	"encoding/binary"
	"net/netip"
	"runtime"
	"syscall"
	"unsafe"
)

// On Linux the RTP socket's reads and writes are raw system calls. They
// never block (MSG_DONTWAIT: the loop only drains what is there, and drops
// a packet the kernel will not queue), so they do not need
// the scheduler's syscall bookkeeping, whose first call after an idle spell
// wakes the runtime's monitor thread, which then polls every 20 µs for as
// long as the frame's work lasts: on an idle machine that was most of a
// call's CPU time.

// recvmsgNoWake is a recvmsg(2) that does not block.
func recvmsgNoWake(fd int, p, oob []byte, from *netip.AddrPort) (n, oobn int, err error) {
	var rsa syscall.RawSockaddrAny
	var iov syscall.Iovec
	if len(p) > 0 {
		iov.Base = &p[0]
		iov.SetLen(len(p))
	}
	msg := syscall.Msghdr{Name: (*byte)(unsafe.Pointer(&rsa)), Namelen: syscall.SizeofSockaddrAny, Iov: &iov, Iovlen: 1}
	if len(oob) > 0 {
		msg.Control = &oob[0]
		msg.SetControllen(len(oob))
	}
	r, _, errno := syscall.RawSyscall(syscall.SYS_RECVMSG, uintptr(fd), uintptr(unsafe.Pointer(&msg)), syscall.MSG_DONTWAIT)
	runtime.KeepAlive(p)
	runtime.KeepAlive(oob)
	if errno != 0 {
		return 0, 0, errno
	}
	*from = rawAddrPort(&rsa)
	return int(r), int(msg.Controllen), nil
}

// sendtoNoWake is a sendto(2) that does not block, on a socket of the given family.
func sendtoNoWake(fd, family int, p []byte, to netip.AddrPort) error {
	var sa unsafe.Pointer
	var salen uintptr
	var sa4 syscall.RawSockaddrInet4
	var sa6 syscall.RawSockaddrInet6
	if family == syscall.AF_INET {
		a := to.Addr().Unmap()
		if !a.Is4() {
			return syscall.EAFNOSUPPORT
		}
		sa4.Family = syscall.AF_INET
		sa4.Addr = a.As4()
		binary.BigEndian.PutUint16((*[2]byte)(unsafe.Pointer(&sa4.Port))[:], to.Port())
		sa, salen = unsafe.Pointer(&sa4), unsafe.Sizeof(sa4)
	} else {
		sa6.Family = syscall.AF_INET6
		sa6.Addr = to.Addr().As16() // an IPv4 address comes out v4-mapped
		binary.BigEndian.PutUint16((*[2]byte)(unsafe.Pointer(&sa6.Port))[:], to.Port())
		sa, salen = unsafe.Pointer(&sa6), unsafe.Sizeof(sa6)
	}
	var base unsafe.Pointer
	if len(p) > 0 {
		base = unsafe.Pointer(&p[0])
	}
	_, _, errno := syscall.RawSyscall6(syscall.SYS_SENDTO, uintptr(fd), uintptr(base), uintptr(len(p)), syscall.MSG_DONTWAIT, uintptr(sa), salen)
	runtime.KeepAlive(p)
	if errno != 0 {
		return errno
	}
	return nil
}

func rawAddrPort(rsa *syscall.RawSockaddrAny) netip.AddrPort {
	switch rsa.Addr.Family {
	case syscall.AF_INET:
		a := (*syscall.RawSockaddrInet4)(unsafe.Pointer(rsa))
		port := binary.BigEndian.Uint16((*[2]byte)(unsafe.Pointer(&a.Port))[:])
		return netip.AddrPortFrom(netip.AddrFrom4(a.Addr), port)
	case syscall.AF_INET6:
		a := (*syscall.RawSockaddrInet6)(unsafe.Pointer(rsa))
		port := binary.BigEndian.Uint16((*[2]byte)(unsafe.Pointer(&a.Port))[:])
		return netip.AddrPortFrom(netip.AddrFrom16(a.Addr).Unmap(), port)
	}
	return netip.AddrPort{}
}
