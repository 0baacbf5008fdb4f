package nat

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/logging"
	"github.com/pion/stun/v4"
)

// iceURLs turns the configured servers into pion's URIs. The TURN server
// also answers STUN, so pion may use it for a server-reflexive candidate.
// How long a working pair waits for a better one (through a NAT mapping,
// through a relay), and the pace of the checks.
const (
	mappedWait = 0
	relayWait  = 300 * time.Millisecond
	checkPace  = 5 * time.Millisecond
)

func iceURLs(cfg Config) ([]*stun.URI, error) {
	var urls []*stun.URI
	if cfg.STUN != "" {
		u, err := serverURI(stun.SchemeTypeSTUN, cfg.STUN)
		if err != nil {
			return nil, err
		}
		urls = append(urls, u)
	}
	if cfg.TURN != "" {
		u, err := serverURI(stun.SchemeTypeTURN, cfg.TURN)
		if err != nil {
			return nil, err
		}
		u.Proto = stun.ProtoTypeUDP
		u.Username, u.Password = cfg.TURNUser, cfg.TURNPass
		urls = append(urls, u)
	}
	return urls, nil
}

func serverURI(scheme stun.SchemeType, hostport string) (*stun.URI, error) {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		return nil, fmt.Errorf("%w: server %q: %w", ErrConfig, hostport, err)
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 || host == "" {
		return nil, fmt.Errorf("%w: server %q", ErrConfig, hostport)
	}
	return &stun.URI{Scheme: scheme, Host: host, Port: n, Proto: stun.ProtoTypeUDP}, nil
}

// newAgent creates an agent whose host (and server-reflexive) candidates
// live on mux, our socket, and whose only interface address is bind.
func newAgent(bind netip.Addr, cfg Config, mux *ice.UniversalUDPMuxDefault, log logging.LoggerFactory) (*ice.Agent, error) {
	urls, err := iceURLs(cfg)
	if err != nil {
		return nil, err
	}
	network := ice.NetworkTypeUDP4
	if bind.Is6() {
		network = ice.NetworkTypeUDP6
	}
	types := []ice.CandidateType{ice.CandidateTypeHost, ice.CandidateTypeServerReflexive, ice.CandidateTypeRelay}
	wait := relayWait
	if cfg.RelayOnly {
		types = []ice.CandidateType{ice.CandidateTypeRelay}
		wait = 0 // nothing better can come
	}
	opts := []ice.AgentOption{
		ice.WithNetworkTypes([]ice.NetworkType{network}),
		ice.WithCandidateTypes(types),
		ice.WithUrls(urls),
		ice.WithUDPMux(mux),
		ice.WithUDPMuxSrflx(mux),
		// Gathering sees only bind: a phone bound to one address must not
		// leak (or try) the machine's others.
		ice.WithIPFilter(func(ip net.IP) bool {
			a, ok := netip.AddrFromSlice(ip)
			return ok && a.Unmap() == bind
		}),
		// The filter already keeps only bind; without this pion would
		// also drop bind when it sits on a loopback interface (127.0.0.1,
		// or a test address on lo) and gather no relay socket there.
		ice.WithIncludeLoopback(),
		ice.WithMulticastDNSMode(ice.MulticastDNSModeDisabled),
		// pion waits before it accepts a pair through a NAT mapping (0.5 s)
		// or a relay (2 s), in case a better one works. Every pair is
		// checked at the first tick and a direct path answers within a
		// round trip, so a mapped pair need not wait at all and a relayed
		// one only a little.
		ice.WithSrflxAcceptanceMinWait(mappedWait),
		ice.WithPrflxAcceptanceMinWait(mappedWait),
		ice.WithRelayAcceptanceMinWait(wait),
		// Checks paced at 5 ms, RFC 8445's smallest Ta (pion's is 200 ms):
		// the first ones leave at once. A call has a handful of pairs, and
		// once connected pion falls back to its 2 s keep-alive pace.
		ice.WithCheckInterval(checkPace),
		ice.WithLoggerFactory(log),
	}
	a, err := ice.NewAgentWithOptions(opts...)
	if err != nil {
		return nil, fmt.Errorf("nat: ICE agent: %w", err)
	}
	return a, nil
}

// gatherLimit is how long a call waits for its STUN and TURN servers: one
// that does not answer (down, unreachable, blocked) costs the call its
// server-reflexive or relayed candidates, not the call.
const gatherLimit = 2 * time.Second

// gather collects the agent's candidates until gathering ends, or
// gatherLimit passes (it goes on with what it has), or ctx ends (an error).
func gather(ctx context.Context, a *ice.Agent, log *slog.Logger) (*Local, error) {
	done := make(chan struct{})
	if err := a.OnCandidate(func(c ice.Candidate) {
		if c == nil { // pion's end-of-candidates
			close(done)
		}
	}); err != nil {
		return nil, fmt.Errorf("nat: ICE gathering: %w", err)
	}
	if err := a.GatherCandidates(); err != nil {
		return nil, fmt.Errorf("nat: ICE gathering: %w", err)
	}
	limit := time.NewTimer(gatherLimit)
	defer limit.Stop()
	select {
	case <-done:
	case <-limit.C:
		log.Warn("nat: STUN/TURN server did not answer: going on without its candidates", "after", gatherLimit)
	case <-ctx.Done():
		return nil, fmt.Errorf("nat: ICE gathering: %w", ctx.Err())
	}
	ufrag, pwd, err := a.GetLocalUserCredentials()
	if err != nil {
		return nil, fmt.Errorf("nat: ICE credentials: %w", err)
	}
	cands, err := a.GetLocalCandidates()
	if err != nil {
		return nil, fmt.Errorf("nat: ICE candidates: %w", err)
	}
	l := &Local{Ufrag: ufrag, Pwd: pwd}
	for _, c := range cands {
		l.Candidates = append(l.Candidates, sdpCandidate(c))
	}
	return l, nil
}
