package core_test

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/codec/codecs"
	"github.com/softphone/softphone/internal/testlab"
)

// rawCaller is a SIP caller written for the pickup test: baresip 1.0 does
// not honour Replaces, so this one does what RFC 3891 asks of a caller
// whose early dialog is replaced, and shows what it received.
type rawCaller struct {
	t       *testing.T
	k       *testlab.Kamailio
	cli     *sipgo.Client
	addr    *net.UDPAddr
	invites chan *sip.Request
}

const callerSDP = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio %d RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"

func startRawCaller(t *testing.T, k *testlab.Kamailio, user, password string) *rawCaller {
	t.Helper()
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ua, err := sipgo.NewUA(sipgo.WithUserAgent("pickup-caller"))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sipgo.NewServer(ua)
	if err != nil {
		t.Fatal(err)
	}
	cli, err := sipgo.NewClient(ua)
	if err != nil {
		t.Fatal(err)
	}
	c := &rawCaller{t: t, k: k, cli: cli, addr: conn.LocalAddr().(*net.UDPAddr), invites: make(chan *sip.Request, 4)}
	srv.OnInvite(func(req *sip.Request, tx sip.ServerTransaction) {
		c.invites <- req
		res := sip.NewResponseFromRequest(req, 200, "OK", []byte(fmt.Sprintf(callerSDP, 30010)))
		res.AppendHeader(&sip.ContactHeader{Address: sip.Uri{Scheme: "sip", User: user, Host: "127.0.0.1", Port: c.addr.Port}})
		res.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
		_ = tx.Respond(res)
	})
	srv.OnAck(func(*sip.Request, sip.ServerTransaction) {})
	srv.OnBye(func(req *sip.Request, tx sip.ServerTransaction) {
		_ = tx.Respond(sip.NewResponseFromRequest(req, 200, "OK", nil))
	})
	go srv.ServeUDP(conn)
	t.Cleanup(func() { ua.Close(); conn.Close() })
	time.Sleep(50 * time.Millisecond) // the UDP socket is registered by the serving goroutine

	// Register, so that the pickup INVITE to sip:user@domain finds us.
	req := c.request(sip.REGISTER, sip.Uri{Scheme: "sip", Host: k.Domain}, user, "reg")
	req.AppendHeader(&sip.ContactHeader{Address: sip.Uri{Scheme: "sip", User: user, Host: "127.0.0.1", Port: c.addr.Port}})
	req.AppendHeader(sip.NewHeader("Expires", "300"))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	res, err := cli.Do(ctx, req)
	if err == nil && res.StatusCode == 401 {
		res, err = cli.DoDigestAuth(ctx, req, res, sipgo.DigestAuth{Username: user, Password: password})
	}
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("raw caller REGISTER: %v %v", res, err)
	}
	return c
}

func (c *rawCaller) request(m sip.RequestMethod, ruri sip.Uri, user, tag string) *sip.Request {
	req := sip.NewRequest(m, ruri)
	req.SetDestination(c.k.UDPAddr)
	req.Laddr = sip.Addr{IP: c.addr.IP, Port: c.addr.Port}
	from := &sip.FromHeader{Address: sip.Uri{Scheme: "sip", User: user, Host: c.k.Domain}, Params: sip.NewParams()}
	from.Params.Add("tag", tag)
	to := &sip.ToHeader{Address: sip.Uri{Scheme: "sip", User: ruri.User, Host: c.k.Domain}, Params: sip.NewParams()}
	if m == sip.REGISTER {
		to.Address.User = user
	}
	req.AppendHeader(from)
	req.AppendHeader(to)
	return req
}

func TestPickupRingingCall(t *testing.T) {
	k := testlab.StartPresenceKamailio(t, testlab.KamailioOptions{Users: presenceUsers()})
	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, AnswerMode: "manual", Codecs: []string{"pcmu"}})
	dave := startRawCaller(t, k, "dave", "dave-secret")
	pcmu, err := codecs.ByNames([]string{"pcmu"})
	if err != nil {
		t.Fatal(err)
	}
	p, events := startPhone(t, writeRawConfig(t, featureConfig(k, "carol", "mwi = false\n")), core.WithCodecs(pcmu...), core.WithMediaPorts(mediaPortsForTest()))
	waitStatus(t, events, "carol", 10*time.Second, account.Registered)
	if err := p.Watch(context.Background(), []string{"bob"}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Pickup(context.Background(), "bob"); err == nil {
		t.Fatal("pickup with nothing ringing succeeded")
	}
	if _, err := p.Pickup(context.Background(), "alice"); err == nil {
		t.Fatal("pickup of an extension not watched succeeded")
	}
	time.Sleep(300 * time.Millisecond)

	// dave calls bob, who rings.
	const daveTag = "davetag"
	inv := dave.request(sip.INVITE, sip.Uri{Scheme: "sip", User: "bob", Host: k.Domain}, "dave", daveTag)
	inv.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
	inv.SetBody([]byte(fmt.Sprintf(callerSDP, 30000)))
	dua := sipgo.DialogUA{Client: dave.cli, ContactHDR: sip.ContactHeader{Address: sip.Uri{Scheme: "sip", User: "dave", Host: "127.0.0.1", Port: dave.addr.Port}}}
	ictx, icancel := context.WithCancel(context.Background())
	defer icancel()
	sess, err := dua.WriteInvite(ictx, inv)
	if err != nil {
		t.Fatal(err)
	}
	bobTag := make(chan string, 4)
	answered := make(chan error, 1)
	go func() {
		answered <- sess.WaitAnswer(ictx, sipgo.AnswerOptions{Username: "dave", Password: "dave-secret",
			OnResponse: func(res *sip.Response) error {
				if tag, ok := res.To().Params.Get("tag"); ok && res.StatusCode == 180 {
					bobTag <- tag
				}
				return nil
			}})
	}()
	waitBLF(t, events, "bob", core.BLFRinging, 10*time.Second)
	bobWait(t, bob, "CALL_INCOMING", 5*time.Second)
	var ringTag string
	select {
	case ringTag = <-bobTag:
	case <-time.After(5 * time.Second):
		t.Fatal("no 180 with a tag from bob")
	}

	id, err := p.Pickup(context.Background(), "bob")
	if err != nil {
		t.Fatal(err)
	}
	var got *sip.Request
	select {
	case got = <-dave.invites:
	case <-time.After(10 * time.Second):
		t.Fatal("the pickup INVITE did not reach the caller")
	}
	// RFC 3891: the caller's dialog, tags as the caller sees them.
	want := fmt.Sprintf("%s;to-tag=%s;from-tag=%s;early-only", inv.CallID().Value(), daveTag, ringTag)
	if h := got.GetHeader("Replaces"); h == nil || h.Value() != want {
		t.Fatalf("pickup INVITE Replaces %v, want %q", h, want)
	}
	if f := got.From(); f == nil || f.Address.User != "carol" {
		t.Fatalf("pickup INVITE from %v, want carol", got.From())
	}
	// The caller takes the new dialog and gives up the old one (CANCEL).
	icancel()
	<-answered
	info := waitCall(t, events, 10*time.Second, call.Connected)
	if info.ID != id || !strings.Contains(info.Remote.URI, "dave") {
		t.Fatalf("connected %+v, want the pickup call %s with dave", info, id)
	}
	bobWait(t, bob, "CALL_CLOSED", 5*time.Second)
	if err := p.Hangup(id); err != nil {
		t.Fatal(err)
	}
}
