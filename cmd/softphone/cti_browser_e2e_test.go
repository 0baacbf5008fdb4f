//go:build linux

package main

import (
	"context"
	"net/url"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/softphone/softphone/internal/testlab"
)

// TestBrowserShowsTheCallerOnRing: a CRM-like page of ours
// (testdata/cti/screenpop.html) in Debian's headless chromium follows
// the API's event stream of `softphone serve`; when baresip calls, the
// page shows the caller's name from our contacts within a second of the
// ring, read from the page's DOM over the DevTools protocol.
func TestBrowserShowsTheCallerOnRing(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	testlab.Require(t, "baresip", "baresip-core")
	testlab.Require(t, "chromium", "chromium")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{"pcmu"}, AnswerMode: "manual"})
	bin := buildBinary(t)
	cfg := consoleConfig(t, k, "")
	data := t.TempDir()
	if out, err := exec.Command(bin, "contacts", "add", "--data", data, "Bob Builder", "sip:bob@"+k.Domain).CombinedOutput(); err != nil {
		t.Fatalf("contacts add: %v\n%s", err, out)
	}
	s := startServe(t, bin, cfg, nil, "--data", data, "--codecs", "pcmu")
	s.waitRegistered(15 * time.Second)
	ws := s.openEvents("")

	page, err := filepath.Abs("../../testdata/cti/screenpop.html")
	if err != nil {
		t.Fatal(err)
	}
	frag := url.Values{"api": {"ws" + s.base[len("http"):]}, "token": {s.token}}
	b := testlab.StartChromium(t, "file://"+page+"#"+frag.Encode())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := b.WaitFor(ctx, `document.getElementById("status").textContent === "open"`); err != nil {
		t.Fatalf("the page did not connect: %v", err)
	}

	if err := bob.Dial("sip:alice@" + k.Domain); err != nil {
		t.Fatal(err)
	}
	ring := ws.wait(10*time.Second, "the incoming call", func(m map[string]any) bool {
		return m["event"] == "call" && m["state"] == "incoming"
	})
	started, err := time.Parse(time.RFC3339Nano, ring.m["started"].(string))
	if err != nil {
		t.Fatal(err)
	}
	name, err := b.WaitFor(ctx, `document.getElementById("caller").textContent`)
	if err != nil {
		t.Fatalf("the page shows no caller: %v", err)
	}
	if name != "Bob Builder" {
		t.Fatalf("the page shows %q, want the contact's name Bob Builder", name)
	}
	at, err := b.Eval(ctx, `document.getElementById("caller").dataset.at`)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := strconv.ParseInt(at, 10, 64)
	if err != nil {
		t.Fatalf("data-at %q: %v", at, err)
	}
	shown := time.UnixMilli(ms)
	toWS, toDOM := ring.at.Sub(started), shown.Sub(started)
	t.Logf("ring → WebSocket message: %v; ring → page DOM: %v", toWS, toDOM)
	if toDOM > time.Second {
		t.Fatalf("the page showed the caller %v after the ring, want within 1 s", toDOM)
	}
	if id, _ := b.Eval(ctx, `document.getElementById("caller").dataset.call`); id != ring.m["id"] {
		t.Fatalf("the page shows call %q, the ring was %v", id, ring.m["id"])
	}
}
