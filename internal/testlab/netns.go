package testlab

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// NetTopology is three network namespaces for NAT tests: A and B are each
// joined to R by a veth pair and to nothing else. R does not forward and
// neither A nor B has a route beyond its own link, so A and B cannot reach
// each other; each reaches R's address on its link (where a STUN or TURN
// server run in R answers both). Each namespace has lo up.
type NetTopology struct {
	ip      string // path of the ip binary
	a, b, r string // namespace names
}

// The addresses, from the benchmarking range 198.18.0.0/15 (RFC 2544) so
// that they can never be someone's real network.
var (
	topoAddrA  = netip.MustParsePrefix("198.18.1.2/24")
	topoAddrRA = netip.MustParsePrefix("198.18.1.1/24")
	topoAddrB  = netip.MustParsePrefix("198.18.2.2/24")
	topoAddrRB = netip.MustParsePrefix("198.18.2.1/24")
)

const (
	netnsStepTimeout = 5 * time.Second // one ip command
	netnsLinkTimeout = 5 * time.Second // a veth end becoming operational
)

// NewNetTopology creates the namespaces (named sp-<pid>-<random>-a, -b, -r)
// and their links, and registers their removal with t.Cleanup, which first
// kills whatever still runs inside them (only this test can have started
// it). It needs root and iproute2's ip: without them the test fails when
// CI=true and is skipped otherwise; -short skips it.
func NewNetTopology(t testing.TB) *NetTopology {
	t.Helper()
	Require(t, "ip", "iproute2")
	if os.Geteuid() != 0 {
		unavailable(t, "testlab: network namespaces need root")
	}
	ip, err := lookBin("ip")
	if err != nil {
		t.Fatal(err)
	}
	prefix := fmt.Sprintf("sp-%d-%s-", os.Getpid(), randHex(3))
	n := &NetTopology{ip: ip, a: prefix + "a", b: prefix + "b", r: prefix + "r"}
	t.Cleanup(func() {
		if err := n.remove(); err != nil {
			t.Errorf("testlab: remove network namespaces: %v", err)
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 4*netnsStepTimeout)
	defer cancel()
	if err := n.create(ctx); err != nil {
		t.Fatalf("testlab: network namespaces: %v", err)
	}
	return n
}

// Names returns the namespace names of A, B and R.
func (n *NetTopology) Names() (a, b, r string) { return n.a, n.b, n.r }

// AddrA is A's address, on its link to R.
func (n *NetTopology) AddrA() netip.Addr { return topoAddrA.Addr() }

// AddrB is B's address, on its link to R.
func (n *NetTopology) AddrB() netip.Addr { return topoAddrB.Addr() }

// AddrRA is R's address on its link to A.
func (n *NetTopology) AddrRA() netip.Addr { return topoAddrRA.Addr() }

// AddrRB is R's address on its link to B.
func (n *NetTopology) AddrRB() netip.Addr { return topoAddrRB.Addr() }

// Command returns a command that runs name inside namespace ns (one of
// Names) through `ip netns exec`, which execs it: the started process is
// name itself.
func (n *NetTopology) Command(ns, name string, args ...string) *exec.Cmd {
	return n.CommandContext(context.Background(), ns, name, args...)
}

// CommandContext is Command killed when ctx is done.
func (n *NetTopology) CommandContext(ctx context.Context, ns, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, n.ip, append([]string{"netns", "exec", ns, name}, args...)...)
	cmd.Err = n.check(ns)
	return cmd
}

// ListenUDP opens a UDP socket inside namespace ns (one of Names), bound to
// addr (e.g. AddrA with port 0): this process's own media can then sit in A
// or B. The socket stays in ns whatever goroutine uses it; close it before
// the test ends.
func (n *NetTopology) ListenUDP(ns string, addr netip.AddrPort) (*net.UDPConn, error) {
	if err := n.check(ns); err != nil {
		return nil, err
	}
	return listenUDPInNetns(netnsDir+ns, addr)
}

// netnsDir is where `ip netns add` binds namespaces.
const netnsDir = "/run/netns/"

func (n *NetTopology) check(ns string) error {
	if ns != n.a && ns != n.b && ns != n.r {
		return fmt.Errorf("testlab: %q is not a namespace of this topology (%s, %s, %s)", ns, n.a, n.b, n.r)
	}
	return nil
}

// create adds the namespaces, then for A and B a veth pair to R with an
// address at each end, and waits until the links carry traffic.
func (n *NetTopology) create(ctx context.Context) error {
	for _, ns := range []string{n.a, n.b, n.r} {
		if err := n.run(ctx, "netns", "add", ns); err != nil {
			return err
		}
		if err := n.run(ctx, "-n", ns, "link", "set", "lo", "up"); err != nil {
			return err
		}
	}
	// Forwarding is off in a new namespace unless the host makes new ones
	// inherit its settings (net.core.devconf_inherit_init_net): make sure.
	if err := n.run(ctx, "netns", "exec", n.r, "sh", "-c", "echo 0 > /proc/sys/net/ipv4/ip_forward"); err != nil {
		return err
	}
	links := []struct {
		ns, rEnd     string
		addr, rAddr  netip.Prefix
		nsEnd, label string
	}{
		{n.a, "a0", topoAddrA, topoAddrRA, "eth0", "A"},
		{n.b, "b0", topoAddrB, topoAddrRB, "eth0", "B"},
	}
	for _, l := range links {
		// Both ends are created inside their namespaces: no name is ever
		// taken in the host's, where parallel tests would collide.
		if err := n.run(ctx, "link", "add", l.nsEnd, "netns", l.ns, "type", "veth", "peer", "name", l.rEnd, "netns", n.r); err != nil {
			return fmt.Errorf("link %s-R: %w", l.label, err)
		}
		for _, end := range []struct {
			ns, dev string
			addr    netip.Prefix
		}{{l.ns, l.nsEnd, l.addr}, {n.r, l.rEnd, l.rAddr}} {
			if err := n.run(ctx, "-n", end.ns, "addr", "add", end.addr.String(), "dev", end.dev); err != nil {
				return err
			}
			if err := n.run(ctx, "-n", end.ns, "link", "set", end.dev, "up"); err != nil {
				return err
			}
		}
	}
	for _, l := range links {
		for _, end := range [][2]string{{l.ns, l.nsEnd}, {n.r, l.rEnd}} {
			if err := n.waitLinkUp(ctx, end[0], end[1]); err != nil {
				return err
			}
		}
	}
	return nil
}

// waitLinkUp waits until dev in ns is operationally up: the kernel turns the
// carrier on asynchronously, and until then the device drops what is sent.
func (n *NetTopology) waitLinkUp(ctx context.Context, ns, dev string) error {
	ctx, cancel := context.WithTimeout(ctx, netnsLinkTimeout)
	defer cancel()
	for {
		out, err := n.output(ctx, "-n", ns, "-o", "link", "show", "dev", dev)
		if err == nil && strings.Contains(out, " state UP ") {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s in %s not up: %q, %v: %w", dev, ns, out, err, ctx.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// remove kills the processes left in the namespaces and deletes them (their
// veth ends go with them). A namespace never created is not an error.
func (n *NetTopology) remove() error {
	ctx, cancel := context.WithTimeout(context.Background(), 4*netnsStepTimeout)
	defer cancel()
	var errs []error
	for _, ns := range []string{n.a, n.b, n.r} {
		if !fileExists(netnsDir + ns) {
			continue
		}
		out, err := n.output(ctx, "netns", "pids", ns)
		if err != nil {
			errs = append(errs, err)
		}
		for f := range strings.FieldsSeq(out) {
			// This process is listed when one of its threads was in ns
			// (ListenUDP) and could not return.
			if pid, err := strconv.Atoi(f); err == nil && pid > 1 && pid != os.Getpid() {
				if p, err := os.FindProcess(pid); err == nil {
					_ = p.Kill()
				}
			}
		}
		if err := n.run(ctx, "netns", "del", ns); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (n *NetTopology) run(ctx context.Context, args ...string) error {
	_, err := n.output(ctx, args...)
	return err
}

func (n *NetTopology) output(ctx context.Context, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, netnsStepTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, n.ip, args...).CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("ip %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return string(out), nil
}

// unavailable stops a test that lacks a capability the machine could give
// it: a failure when CI=true (CI must run everything), a skip elsewhere.
func unavailable(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}
