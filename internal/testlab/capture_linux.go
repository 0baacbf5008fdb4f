package testlab

import (
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
)

// htons puts a 16-bit protocol number in network order, as AF_PACKET wants.
func htons(v uint16) uint16 { return v<<8 | v>>8 }

// openLoopbackCapture opens a non-blocking AF_PACKET socket bound to the
// loopback interface, wrapped in an os.File so that reads go through the
// runtime poller and Close wakes a blocked reader.
func openLoopbackCapture() (*os.File, error) {
	lo, err := loopbackInterface()
	if err != nil {
		return nil, err
	}
	// Protocol 0 receives nothing until bind names the protocol and the
	// interface, so no other interface's frame is ever queued.
	fd, err := syscall.Socket(syscall.AF_PACKET, syscall.SOCK_RAW|syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("AF_PACKET socket: %w", err)
	}
	// A large buffer: a capture that drops would make a test flaky. FORCE
	// passes the rmem_max limit as root; the plain one is the fallback.
	if syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_RCVBUFFORCE, 8<<20) != nil {
		_ = syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_RCVBUF, 8<<20)
	}
	sa := &syscall.SockaddrLinklayer{Protocol: htons(syscall.ETH_P_ALL), Ifindex: lo.Index}
	if err := syscall.Bind(fd, sa); err != nil {
		syscall.Close(fd)
		return nil, fmt.Errorf("bind AF_PACKET to %s: %w", lo.Name, err)
	}
	return os.NewFile(uintptr(fd), "packet:"+lo.Name), nil
}

func loopbackInterface() (*net.Interface, error) {
	ifs, err := net.Interfaces()
	if err != nil {
		return nil, err
	}
	for i := range ifs {
		if ifs[i].Flags&net.FlagLoopback != 0 {
			return &ifs[i], nil
		}
	}
	return nil, errors.New("no loopback interface")
}

// readLoopback hands every frame received on sock to fn until sock is
// closed or fails. On loopback each packet passes twice, once
// sent and once received: only the received copy is kept.
func readLoopback(sock *os.File, fn func(frame []byte)) error {
	rc, err := sock.SyscallConn()
	if err != nil {
		return err
	}
	buf := make([]byte, 1<<17) // above loopback's 64 KiB MTU
	for {
		var n int
		var from syscall.Sockaddr
		var rerr error
		err := rc.Read(func(fd uintptr) bool {
			n, from, rerr = syscall.Recvfrom(int(fd), buf, 0)
			return rerr != syscall.EAGAIN
		})
		if err != nil {
			return err
		}
		if rerr == syscall.EINTR {
			continue
		}
		if rerr != nil {
			return fmt.Errorf("recvfrom: %w", rerr)
		}
		if ll, ok := from.(*syscall.SockaddrLinklayer); ok && ll.Pkttype == syscall.PACKET_OUTGOING {
			continue
		}
		fn(buf[:n])
	}
}
