package testlab

import (
	"fmt"
	"net"
	"net/netip"
	"os"
	"runtime"

	"golang.org/x/sys/unix"
)

// listenUDPInNetns opens a UDP socket in the network namespace bound at
// nsPath. A socket belongs to the namespace of the thread that creates it and
// keeps it for life, so the socket is made on a locked thread moved there and
// back. Should the way back fail, the thread stays locked and the runtime
// discards it when the goroutine ends, instead of reusing it in the wrong
// namespace.
func listenUDPInNetns(nsPath string, addr netip.AddrPort) (*net.UDPConn, error) {
	type result struct {
		conn *net.UDPConn
		err  error
	}
	done := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		conn, back, err := listenUDPOnThread(nsPath, addr)
		if back {
			runtime.UnlockOSThread()
		}
		done <- result{conn, err}
	}()
	r := <-done
	return r.conn, r.err
}

// listenUDPOnThread runs on a locked thread; back reports that the thread is
// in its own namespace again (the socket is good either way).
func listenUDPOnThread(nsPath string, addr netip.AddrPort) (conn *net.UDPConn, back bool, err error) {
	own, err := os.Open(fmt.Sprintf("/proc/self/task/%d/ns/net", unix.Gettid()))
	if err != nil {
		return nil, true, err
	}
	defer own.Close()
	target, err := os.Open(nsPath)
	if err != nil {
		return nil, true, err
	}
	defer target.Close()
	if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
		return nil, true, fmt.Errorf("setns %s: %w", nsPath, err)
	}
	conn, err = net.ListenUDP("udp", net.UDPAddrFromAddrPort(addr))
	back = unix.Setns(int(own.Fd()), unix.CLONE_NEWNET) == nil
	return conn, back, err
}
