package testlab

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"strings"
	"testing"
	"time"
)

// TestCtrlClientDemux runs the ctrl_tcp client against a fake baresip that
// sends events before, between and after responses.
func TestCtrlClientDemux(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		conn, err := l.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		send := func(s string) { writeNetstring(conn, []byte(s)) }
		send(`{"event":true,"class":"call","type":"CALL_INCOMING","param":"sip:a@x","id":"c1"}`)
		r := bufio.NewReader(conn)
		for {
			msg, err := readNetstring(r)
			if err != nil {
				return
			}
			var req struct{ Command, Params, Token string }
			json.Unmarshal(msg, &req)
			send(`{"event":true,"class":"call","type":"CALL_CLOSED","param":"486 Busy Here","id":"c1"}`)
			send(`{"response":true,"ok":true,"data":"stale","token":"other"}`)
			ok := req.Command != "bad"
			resp, _ := json.Marshal(map[string]any{"response": true, "ok": ok, "data": req.Command + " " + req.Params, "token": req.Token})
			send(string(resp))
			if req.Command == "quit" {
				return
			}
		}
	}()

	c, err := dialCtrl(l.Addr().String(), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	r, err := c.command(ctx, "dial", "sip:b@y")
	if err != nil || r.Data != "dial sip:b@y" {
		t.Fatalf("dial: %+v, %v", r, err)
	}
	if _, err := c.command(ctx, "bad", ""); err == nil || !strings.Contains(err.Error(), "bad") {
		t.Errorf("ok=false: err %v", err)
	}
	// Events that came before WaitEvent are kept, in order, once each.
	e, err := c.waitEvent(ctx, "CALL_INCOMING")
	if err != nil || e.Param != "sip:a@x" || e.ID != "c1" || e.Time.IsZero() || len(e.Raw) == 0 {
		t.Fatalf("CALL_INCOMING: %+v, %v", e, err)
	}
	for range 2 {
		if e, err := c.waitEvent(ctx, "CALL_CLOSED"); err != nil || e.SIPCode() != 486 {
			t.Fatalf("CALL_CLOSED: %+v, %v", e, err)
		}
	}
	if _, err := c.command(ctx, "quit", ""); err != nil {
		t.Fatal(err)
	}
	if len(c.allEvents()) != 4 {
		t.Errorf("events: %+v", c.allEvents())
	}
	// After the server closes, waiting fails instead of hanging.
	c.waitEvent(ctx, "CALL_CLOSED") // the one sent before quit's response
	if _, err := c.waitEvent(ctx, "CALL_CLOSED"); err == nil || ctx.Err() != nil {
		t.Errorf("wait after close: %v (ctx %v)", err, ctx.Err())
	}
}

func TestEventSIPCode(t *testing.T) {
	for param, want := range map[string]int{
		"486 Rejected": 486, "404 Not Found": 404, "Connection reset by peer": 0, "": 0, "42 x": 0,
	} {
		if got := (Event{Param: param}).SIPCode(); got != want {
			t.Errorf("SIPCode(%q) = %d, want %d", param, got, want)
		}
	}
}
