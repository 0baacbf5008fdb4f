package testlab

import (
	"context"
	"net"
	"net/netip"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestNetTopology checks the reachability the NAT tests rely on: A and B each
// reach R's address on their link and nothing else, not even with a route
// through R, and the namespaces are gone after cleanup.
func TestNetTopology(t *testing.T) {
	Require(t, "ping", "iputils-ping")
	var names [3]string
	var sleeper *exec.Cmd
	t.Run("topology", func(t *testing.T) {
		n := NewNetTopology(t)
		a, b, r := n.Names()
		names = [3]string{a, b, r}
		if !strings.HasPrefix(a, "sp-") || a == b || b == r || a == r {
			t.Errorf("names %q %q %q", a, b, r)
		}
		ping := func(ns, to string) error {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			out, err := n.CommandContext(ctx, ns, "ping", "-n", "-c1", "-W1", to).CombinedOutput()
			if err != nil {
				t.Logf("ping %s from %s: %v: %s", to, ns, err, strings.TrimSpace(string(out)))
			}
			return err
		}
		reach := []struct{ ns, to string }{
			{a, n.AddrRA().String()}, {b, n.AddrRB().String()},
			{r, n.AddrA().String()}, {r, n.AddrB().String()},
			{a, "127.0.0.1"}, {b, "127.0.0.1"}, {r, "127.0.0.1"},
		}
		for _, c := range reach {
			if err := ping(c.ns, c.to); err != nil {
				t.Errorf("%s cannot reach %s", c.ns, c.to)
			}
		}
		unreachable := func(routed bool) {
			cases := []struct{ ns, to string }{{a, n.AddrB().String()}, {b, n.AddrA().String()}}
			if !routed { // with a route, R's other address is R's own: delivered, not forwarded
				cases = append(cases, struct{ ns, to string }{a, n.AddrRB().String()}, struct{ ns, to string }{b, n.AddrRA().String()})
			}
			for _, c := range cases {
				if err := ping(c.ns, c.to); err == nil {
					t.Errorf("%s reaches %s", c.ns, c.to)
				}
			}
		}
		unreachable(false)

		// With routes through R, only R's refusal to forward keeps them apart.
		for _, c := range []struct{ ns, to, via string }{
			{a, "198.18.2.0/24", n.AddrRA().String()},
			{b, "198.18.1.0/24", n.AddrRB().String()},
		} {
			if out, err := n.Command(c.ns, "ip", "route", "add", c.to, "via", c.via).CombinedOutput(); err != nil {
				t.Fatalf("route in %s: %v: %s", c.ns, err, out)
			}
		}
		if out, err := n.Command(r, "cat", "/proc/sys/net/ipv4/ip_forward").Output(); err != nil || strings.TrimSpace(string(out)) != "0" {
			t.Errorf("R's ip_forward = %q, %v; want 0", out, err)
		}
		unreachable(true)

		if err := n.Command("sp-nosuch", "true").Run(); err == nil {
			t.Error("Command in a foreign namespace ran")
		}

		// A process left running inside is killed by the cleanup.
		sleeper = n.Command(a, "sleep", "60")
		if err := sleeper.Start(); err != nil {
			t.Fatal(err)
		}
	})
	if names[0] == "" {
		return
	}
	out, err := exec.Command("ip", "netns", "list").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, ns := range names {
		if strings.Contains(string(out), ns) {
			t.Errorf("namespace %s left behind: %s", ns, out)
		}
	}
	if sleeper != nil && sleeper.Process != nil {
		exited := make(chan error, 1)
		go func() { exited <- sleeper.Wait() }()
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			t.Error("a process left in namespace A survived the cleanup")
			_ = sleeper.Process.Kill()
		}
	}
}

// TestNetTopologyListenUDP checks that sockets of this process can be put in
// the namespaces: A talks to R, not to B, and A's address exists only in A.
func TestNetTopologyListenUDP(t *testing.T) {
	n := NewNetTopology(t)
	a, b, r := n.Names()
	listen := func(ns string, addr netip.Addr) *net.UDPConn {
		t.Helper()
		c, err := n.ListenUDP(ns, netip.AddrPortFrom(addr, 0))
		if err != nil {
			t.Fatalf("listen in %s on %v: %v", ns, addr, err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	inA, inR, inB := listen(a, n.AddrA()), listen(r, n.AddrRA()), listen(b, n.AddrB())
	addrOf := func(c *net.UDPConn) netip.AddrPort { return c.LocalAddr().(*net.UDPAddr).AddrPort() }

	if _, err := inA.WriteToUDPAddrPort([]byte("ping"), addrOf(inR)); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	inR.SetReadDeadline(time.Now().Add(5 * time.Second))
	nr, from, err := inR.ReadFromUDPAddrPort(buf)
	if err != nil || string(buf[:nr]) != "ping" || from != addrOf(inA) {
		t.Fatalf("R read %q from %v, %v; want ping from %v", buf[:nr], from, err, addrOf(inA))
	}
	if _, err := inR.WriteToUDPAddrPort([]byte("pong"), from); err != nil {
		t.Fatal(err)
	}
	inA.SetReadDeadline(time.Now().Add(5 * time.Second))
	if nr, _, err := inA.ReadFromUDPAddrPort(buf); err != nil || string(buf[:nr]) != "pong" {
		t.Fatalf("A read %q, %v; want pong", buf[:nr], err)
	}
	if _, err := inA.WriteToUDPAddrPort([]byte("ping"), addrOf(inB)); err == nil {
		t.Error("A sent to B: want network unreachable")
	}
	if c, err := n.ListenUDP(b, netip.AddrPortFrom(n.AddrA(), 0)); err == nil {
		c.Close()
		t.Error("A's address is bindable in B")
	}
	if _, err := n.ListenUDP("sp-nosuch", netip.AddrPortFrom(n.AddrA(), 0)); err == nil {
		t.Error("ListenUDP in a foreign namespace worked")
	}
}
