package testlab

import (
	"context"
	"net"
	"net/netip"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

// ForwardOnly lets R route between A and B for the given UDP and TCP
// ports alone (signalling, say), and drops everything else it would forward:
// media cannot go from A to B directly, only through a server on R. It
// needs nftables inside R.
func (n *NetTopology) ForwardOnly(t testing.TB, ports ...int) {
	t.Helper()
	Require(t, "nft", "nftables")
	ctx := context.Background()
	steps := [][]string{
		{"netns", "exec", n.r, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1"},
		{"-n", n.a, "route", "add", topoAddrB.Masked().String(), "via", topoAddrRA.Addr().String()},
		{"-n", n.b, "route", "add", topoAddrA.Masked().String(), "via", topoAddrRB.Addr().String()},
		{"netns", "exec", n.r, "nft", "add", "table", "inet", "sp"},
		{"netns", "exec", n.r, "nft", "add", "chain", "inet", "sp", "fw", "{ type filter hook forward priority 0; policy drop; }"},
	}
	for _, p := range ports {
		ps := strconv.Itoa(p)
		steps = append(steps,
			[]string{"netns", "exec", n.r, "nft", "add", "rule", "inet", "sp", "fw", "th", "dport", ps, "accept"},
			[]string{"netns", "exec", n.r, "nft", "add", "rule", "inet", "sp", "fw", "th", "sport", ps, "accept"})
	}
	for _, s := range steps {
		if err := n.run(ctx, s...); err != nil {
			t.Fatalf("testlab: forward only ports %v: %v", ports, err)
		}
	}
}

// StartCoturnIn runs coturn inside R, listening and relaying on R's
// addresses on both links, so A and B each reach it on their own.
func StartCoturnIn(t testing.TB, n *NetTopology) *Coturn {
	t.Helper()
	ping := func(addr string, timeout time.Duration) error {
		conn, err := n.ListenUDP(n.r, netip.AddrPortFrom(topoAddrRA.Addr(), 0))
		if err != nil {
			return err
		}
		defer conn.Close()
		ap, err := netip.ParseAddrPort(addr)
		if err != nil {
			return err
		}
		return stunPingOn(&connectedUDP{conn, ap}, timeout)
	}
	return startCoturn(t, coturnSpec{
		ips:     []string{topoAddrRA.Addr().String(), topoAddrRB.Addr().String()},
		command: func(name string, args ...string) *exec.Cmd { return n.Command(n.r, name, args...) },
		ping:    ping,
	})
}

// connectedUDP sends to one address on an unconnected socket.
type connectedUDP struct {
	*net.UDPConn
	to netip.AddrPort
}

func (c *connectedUDP) Write(b []byte) (int, error) { return c.WriteToUDPAddrPort(b, c.to) }
