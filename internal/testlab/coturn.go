package testlab

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

// Coturn is a STUN/TURN server (Debian coturn) on 127.0.0.1 for one test,
// with one static long-term-credential user.
type Coturn struct {
	Addr       string // "127.0.0.1:port": STUN and TURN over UDP (and TCP)
	User, Pass string
	Realm      string
	LogFile    string // coturn's output
	RelayPorts [2]int // the range relayed addresses take their ports from

	mu   sync.Mutex // guards cmd
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has exited
}

// coturnRelayPorts is the size of the relay port window.
const coturnRelayPorts = 100

// StartCoturn runs turnserver for the test, on loopback only (relaying to
// loopback peers, which coturn refuses by default), and stops it in
// t.Cleanup. Like the other starters it skips without turnserver (fails
// when CI=true) and under -short.
func StartCoturn(t testing.TB) *Coturn {
	t.Helper()
	return startCoturn(t, coturnSpec{ips: []string{"127.0.0.1"}, command: exec.Command, ping: stunPing})
}

// coturnSpec says where a coturn runs: its addresses (listening and
// relaying on each), how its command is made (inside a namespace or not)
// and how readiness is checked from this process.
type coturnSpec struct {
	ips     []string
	command func(name string, args ...string) *exec.Cmd
	ping    func(addr string, timeout time.Duration) error
}

func startCoturn(t testing.TB, spec coturnSpec) *Coturn {
	t.Helper()
	Require(t, "turnserver", "coturn")
	if err := startAllowed(); err != nil {
		t.Fatal(err)
	}
	bin, err := lookBin("turnserver")
	if err != nil {
		t.Fatal(err)
	}
	port, err := freeUDPTCPPort()
	if err != nil {
		t.Fatal(err)
	}
	minRelay, err := freeUDPWindow(coturnRelayPorts, port)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	c := &Coturn{
		Addr:       net.JoinHostPort(spec.ips[0], strconv.Itoa(port)),
		User:       "u" + randHex(4),
		Pass:       randHex(12),
		Realm:      "test",
		LogFile:    filepath.Join(dir, "turnserver.log"),
		RelayPorts: [2]int{minRelay, minRelay + coturnRelayPorts - 1},
		done:       make(chan struct{}),
	}
	logf, err := os.Create(c.LogFile)
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"-n", "--no-tls", "--no-dtls", "--no-cli"}
	for _, ip := range spec.ips {
		args = append(args, "--listening-ip", ip, "--relay-ip", ip)
	}
	args = append(args,
		"--listening-port", strconv.Itoa(port),
		"--min-port", strconv.Itoa(minRelay), "--max-port", strconv.Itoa(minRelay+coturnRelayPorts-1),
		"--lt-cred-mech", "--user", c.User+":"+c.Pass, "--realm", c.Realm,
		"--allow-loopback-peers",
		"--db", filepath.Join(dir, "turndb"), "--pidfile", filepath.Join(dir, "turnserver.pid"),
		"--log-file", "stdout", "--simple-log")
	cmd := spec.command(bin, args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		logf.Close()
		t.Fatalf("run %s: %v", bin, err)
	}
	c.cmd = cmd
	go func() {
		cmd.Wait()
		logf.Close()
		close(c.done)
	}()
	t.Cleanup(c.Stop)
	if err := c.waitReady(spec.ping, 10*time.Second); err != nil {
		c.Stop()
		t.Fatalf("%v\n--- turnserver log ---\n%s", err, c.Log())
	}
	return c
}

// AddrOn is the server's address on ip (one it listens on).
func (c *Coturn) AddrOn(ip string) string {
	_, port, _ := net.SplitHostPort(c.Addr)
	return net.JoinHostPort(ip, port)
}

// Log is what coturn has written so far.
func (c *Coturn) Log() string {
	b, _ := os.ReadFile(c.LogFile)
	return string(b)
}

// Stop ends coturn (SIGTERM, then SIGKILL after 5 s) and waits for it.
func (c *Coturn) Stop() {
	c.mu.Lock()
	cmd := c.cmd
	c.mu.Unlock()
	if cmd == nil {
		return
	}
	select {
	case <-c.done:
	default:
		terminate(cmd.Process)
		select {
		case <-c.done:
		case <-time.After(5 * time.Second):
			kill(cmd.Process)
			<-c.done
		}
	}
	killGroup(cmd.Process)
}

// waitReady sends STUN binding requests until one is answered, coturn
// exits or d passes.
func (c *Coturn) waitReady(ping func(string, time.Duration) error, d time.Duration) error {
	deadline := time.Now().Add(d)
	for {
		select {
		case <-c.done:
			return errors.New("turnserver exited during start")
		default:
		}
		if err := ping(c.Addr, 200*time.Millisecond); err == nil {
			return nil
		} else if time.Now().After(deadline) {
			return fmt.Errorf("turnserver on %s not answering STUN within %v: %w", c.Addr, d, err)
		}
	}
}

// stunPing sends one STUN binding request (RFC 8489) and waits for a
// success response with the same transaction ID.
func stunPing(addr string, timeout time.Duration) error {
	conn, err := net.Dial("udp4", addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	return stunPingOn(conn, timeout)
}

// stunPingOn pings over a connected socket.
func stunPingOn(conn net.Conn, timeout time.Duration) error {
	req := make([]byte, 20)
	req[0], req[1] = 0x00, 0x01                             // Binding request
	req[4], req[5], req[6], req[7] = 0x21, 0x12, 0xA4, 0x42 // magic cookie
	rand.Read(req[8:20])
	if _, err := conn.Write(req); err != nil {
		return err
	}
	conn.SetReadDeadline(time.Now().Add(timeout))
	buf := make([]byte, 1500)
	for {
		n, err := conn.Read(buf)
		if err != nil {
			return err
		}
		if n >= 20 && buf[0] == 0x01 && buf[1] == 0x01 && bytes.Equal(buf[8:20], req[8:20]) {
			return nil
		}
	}
}

// freeUDPWindow finds n consecutive loopback UDP ports, none of them not,
// that are free right now, for coturn's relay range.
func freeUDPWindow(n, not int) (int, error) {
	for range 20 {
		var b [2]byte
		rand.Read(b[:])
		base := 30000 + (int(b[0])<<8|int(b[1]))%(20000-n)
		if not >= base && not < base+n {
			continue
		}
		if udpPortsFree(base, n) {
			return base, nil
		}
	}
	return 0, errors.New("no free UDP port window on 127.0.0.1")
}

func udpPortsFree(base, n int) bool {
	for p := base; p < base+n; p++ {
		u, err := net.ListenPacket("udp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
		if err != nil {
			return false
		}
		u.Close()
	}
	return true
}
