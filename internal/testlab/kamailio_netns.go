package testlab

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// KamailioNetnsPort is where a Kamailio started by StartKamailioIn
// listens (UDP and TCP): a namespace of its own has every port free.
const KamailioNetnsPort = 5060

// StartKamailioIn runs the test registrar inside namespace ns of n (one
// of its Names), listening on addr (an address of ns) port
// KamailioNetnsPort over UDP and TCP, with addr as its domain and realm
// (AoR sip:alice@addr). kamcmd reaches it from the host through its
// control socket, so RPC, Contacts and Bindings work as usual, and so do
// Stop and Start (TLS is not offered). It is stopped by t.Cleanup.
func StartKamailioIn(t testing.TB, n *NetTopology, ns string, addr netip.Addr, opts KamailioOptions) *Kamailio {
	t.Helper()
	Require(t, "kamailio", "kamailio")
	Require(t, "kamcmd", "kamailio")
	if err := n.check(ns); err != nil {
		t.Fatal(err)
	}
	if opts.TLS {
		t.Fatal("testlab: a Kamailio in a namespace has no TLS")
	}
	k := &Kamailio{t: t, Domain: addr.String(), Dir: t.TempDir(), netns: ns, ipBin: n.ip}
	k.bin, _ = lookBin("kamailio")
	k.kamcmd, _ = lookBin("kamcmd")
	data, err := k.prepare(opts)
	if err != nil {
		t.Fatalf("testlab: kamailio setup: %v", err)
	}
	data.SIPPort = KamailioNetnsPort
	hostport := net.JoinHostPort(addr.String(), strconv.Itoa(KamailioNetnsPort))
	k.UDPAddr, k.TCPAddr = hostport, hostport
	tmplDir, err := kamailioTemplateDir()
	if err != nil {
		t.Fatalf("testlab: %v", err)
	}
	if err := renderTemplate(filepath.Join(tmplDir, "kamailio.cfg.tmpl"), k.CfgFile, data); err != nil {
		t.Fatalf("testlab: %v", err)
	}
	// The template listens on loopback: listen on addr instead.
	cfg, err := os.ReadFile(k.CfgFile)
	if err != nil {
		t.Fatal(err)
	}
	lo := "127.0.0.1:" + strconv.Itoa(KamailioNetnsPort)
	moved := strings.ReplaceAll(string(cfg), "listen=udp:"+lo, "listen=udp:"+hostport)
	moved = strings.ReplaceAll(moved, "listen=tcp:"+lo, "listen=tcp:"+hostport)
	if moved == string(cfg) {
		t.Fatal("testlab: no loopback listen lines to move in the Kamailio configuration")
	}
	if err := os.WriteFile(k.CfgFile, []byte(moved), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := n.Command(ns, k.bin, "-c", "-f", k.CfgFile, "-Y", k.runDir).CombinedOutput(); err != nil {
		t.Fatalf("testlab: kamailio -c -f %s: %v\n%s", k.CfgFile, err, out)
	}
	t.Cleanup(func() {
		if err := k.Stop(); err != nil {
			t.Errorf("testlab: stop kamailio: %v", err)
		}
	})
	if err := k.Start(); err != nil {
		t.Fatalf("start kamailio in %s: %v", ns, err)
	}
	return k
}

// command is how Kamailio is run: in its namespace when it has one
// (`ip netns exec` execs it, so the process is Kamailio itself).
func (k *Kamailio) command(args ...string) *exec.Cmd {
	if k.netns == "" {
		return exec.Command(k.bin, args...)
	}
	return exec.Command(k.ipBin, append([]string{"netns", "exec", k.netns, k.bin}, args...)...)
}

// readyInNetns is waitReady for a Kamailio in a namespace, which the
// host cannot send SIP to: its control socket answers once its SIP
// sockets are bound (they are opened before the workers start).
func (k *Kamailio) readyInNetns(done <-chan struct{}) error {
	deadline := time.Now().Add(startTimeout)
	var lastErr error = errors.New("not tried")
	for time.Now().Before(deadline) {
		select {
		case <-done:
			return fmt.Errorf("kamailio exited during start-up: %v", k.exitErr())
		default:
		}
		if _, lastErr = k.rpc("core.uptime"); lastErr == nil {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("kamailio not ready after %v: %v", startTimeout, lastErr)
}
