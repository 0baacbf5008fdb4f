//go:build linux

package main

import (
	"context"
	"net/url"
	"os/exec"
	"path/filepath"
	"slices"
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
	var seenIDs []any

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

	// Five rings: the page must show each caller within a second; the
	// figures are logged (ring → WebSocket message, ring → page DOM).
	var toWS, toDOM []time.Duration
	for i := range 5 {
		if err := bob.Dial("sip:alice@" + k.Domain); err != nil {
			t.Fatal(err)
		}
		ring := ws.wait(10*time.Second, "incoming call "+strconv.Itoa(i), func(m map[string]any) bool {
			return m["event"] == "call" && m["state"] == "incoming" && !slices.Contains(seenIDs, m["id"])
		})
		id := ring.m["id"].(string)
		seenIDs = append(seenIDs, id)
		started, err := time.Parse(time.RFC3339Nano, ring.m["started"].(string))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.WaitFor(ctx, `document.getElementById("caller").dataset.call === `+strconv.Quote(id)); err != nil {
			t.Fatalf("the page does not show call %s: %v", id, err)
		}
		name, _ := b.Eval(ctx, `document.getElementById("caller").textContent`)
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
		dom := time.UnixMilli(ms).Sub(started)
		if dom > time.Second {
			t.Fatalf("ring %d: the page showed the caller %v after the ring, want within 1 s", i, dom)
		}
		toWS, toDOM = append(toWS, ring.at.Sub(started)), append(toDOM, dom)
		if err := bob.Hangup(); err != nil {
			t.Fatal(err)
		}
		ws.wait(10*time.Second, "call "+strconv.Itoa(i)+" ended", isCall(id, "ended"))
	}
	slices.Sort(toWS)
	slices.Sort(toDOM)
	t.Logf("ring → WebSocket message: median %v, max %v; ring → page DOM: median %v, max %v (5 rings)",
		toWS[2], toWS[4], toDOM[2], toDOM[4])
}
