package testlab

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Response is baresip's answer to a ctrl_tcp command.
type Response struct {
	OK    bool   `json:"ok"`
	Data  string `json:"data"` // the command's console output
	Token string `json:"token"`
}

// Event is a ctrl_tcp event. Call events carry Direction, PeerURI and ID
// (baresip's call id); Param depends on the type: the peer URI for
// CALL_INCOMING/CALL_RINGING/CALL_ESTABLISHED, the reason for CALL_CLOSED
// ("486 Rejected" when the peer answered with an error, "Connection reset by
// peer" after its BYE), the digit for CALL_DTMF_START.
type Event struct {
	Class           string `json:"class"` // "call", "register", "other", "application", ...
	Type            string `json:"type"`  // "CALL_ESTABLISHED", "REGISTER_OK", ...
	Param           string `json:"param"`
	AccountAOR      string `json:"accountaor"`
	Direction       string `json:"direction"` // "incoming" or "outgoing"
	PeerURI         string `json:"peeruri"`
	PeerDisplayName string `json:"peerdisplayname"`
	ID              string `json:"id"`

	Raw  json.RawMessage `json:"-"` // the whole event (e.g. rtcp_stats of CALL_RTCP)
	Time time.Time       `json:"-"` // when it was read
}

// SIPCode returns the status code at the start of Param ("486 Rejected" ->
// 486), or 0 when there is none (a BYE, a local hangup, a timeout).
func (e Event) SIPCode() int {
	code, _, _ := strings.Cut(e.Param, " ")
	n, err := strconv.Atoi(code)
	if err != nil || n < 100 || n > 699 {
		return 0
	}
	return n
}

// ctrlClient is the one ctrl_tcp connection to a baresip (ctrl_tcp drops the
// previous client when a new one connects). A reader goroutine splits the
// stream into responses, handed to the single pending command, and events,
// kept in order until WaitEvent takes them.
type ctrlClient struct {
	conn  net.Conn
	cmdMu sync.Mutex // one command at a time: responses carry no order guarantee beyond the token

	mu       sync.Mutex
	events   []Event
	taken    []bool
	changed  chan struct{} // closed and replaced on every new event or on close
	pending  chan Response // the running command's response
	token    string
	closeErr error
	seq      int
}

func dialCtrl(addr string, timeout time.Duration) (*ctrlClient, error) {
	conn, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return nil, err
	}
	c := &ctrlClient{conn: conn, changed: make(chan struct{})}
	go c.readLoop()
	return c, nil
}

func (c *ctrlClient) Close() error { return c.conn.Close() }

// readNetstring reads one "<len>:<payload>," frame.
func readNetstring(r *bufio.Reader) ([]byte, error) {
	head, err := r.ReadString(':')
	if err != nil {
		return nil, err
	}
	n, err := strconv.Atoi(strings.TrimSuffix(head, ":"))
	if err != nil || n < 0 || n > 1<<24 {
		return nil, fmt.Errorf("bad netstring length %q", head)
	}
	buf := make([]byte, n+1)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, err
	}
	if buf[n] != ',' {
		return nil, fmt.Errorf("netstring of %d bytes not terminated by ','", n)
	}
	return buf[:n], nil
}

func writeNetstring(w io.Writer, payload []byte) error {
	_, err := fmt.Fprintf(w, "%d:%s,", len(payload), payload)
	return err
}

func (c *ctrlClient) readLoop() {
	r := bufio.NewReader(c.conn)
	var err error
	for {
		var msg []byte
		if msg, err = readNetstring(r); err != nil {
			break
		}
		c.dispatch(msg)
	}
	c.mu.Lock()
	c.closeErr = fmt.Errorf("ctrl_tcp connection closed: %w", err)
	close(c.changed)
	c.mu.Unlock()
}

func (c *ctrlClient) dispatch(msg []byte) {
	var kind struct {
		Event    bool `json:"event"`
		Response bool `json:"response"`
	}
	if json.Unmarshal(msg, &kind) != nil {
		return // not ours to judge; baresip only sends JSON
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case kind.Response:
		var r Response
		if json.Unmarshal(msg, &r) == nil && c.pending != nil && r.Token == c.token {
			c.pending <- r // buffered, and only one per token
			c.pending = nil
		}
	case kind.Event:
		var e Event
		if json.Unmarshal(msg, &e) == nil {
			e.Raw = append(json.RawMessage(nil), msg...)
			e.Time = time.Now()
			c.events = append(c.events, e)
			c.taken = append(c.taken, false)
			close(c.changed)
			c.changed = make(chan struct{})
		}
	}
}

// command sends one command and waits for its response.
func (c *ctrlClient) command(ctx context.Context, cmd, params string) (Response, error) {
	c.cmdMu.Lock()
	defer c.cmdMu.Unlock()
	c.mu.Lock()
	if c.closeErr != nil {
		c.mu.Unlock()
		return Response{}, c.closeErr
	}
	c.seq++
	c.token = "testlab-" + strconv.Itoa(c.seq)
	ch := make(chan Response, 1)
	c.pending = ch
	token, closed := c.token, c.changed
	c.mu.Unlock()

	req := map[string]string{"command": cmd, "token": token}
	if params != "" {
		req["params"] = params
	}
	payload, _ := json.Marshal(req)
	if d, ok := ctx.Deadline(); ok {
		c.conn.SetWriteDeadline(d)
	}
	if err := writeNetstring(c.conn, payload); err != nil {
		return Response{}, fmt.Errorf("ctrl_tcp %s: %w", cmd, err)
	}
	for {
		select {
		case r := <-ch:
			return checkResponse(r, cmd, params)
		case <-closed:
			c.mu.Lock()
			err, next := c.closeErr, c.changed
			c.mu.Unlock()
			select {
			case r := <-ch: // the response came before the close ("quit")
				return checkResponse(r, cmd, params)
			default:
			}
			if err != nil {
				return Response{}, fmt.Errorf("ctrl_tcp %s: %w", cmd, err)
			}
			closed = next // just a new event
		case <-ctx.Done():
			c.mu.Lock()
			c.pending = nil
			c.mu.Unlock()
			return Response{}, fmt.Errorf("ctrl_tcp %s: %w", cmd, ctx.Err())
		}
	}
}

func checkResponse(r Response, cmd, params string) (Response, error) {
	if !r.OK {
		return r, fmt.Errorf("baresip %s %s: %s", cmd, params, strings.TrimSpace(r.Data))
	}
	return r, nil
}

// waitEvent returns the oldest event of type typ not returned before.
func (c *ctrlClient) waitEvent(ctx context.Context, typ string) (Event, error) {
	for {
		c.mu.Lock()
		for i, e := range c.events {
			if !c.taken[i] && e.Type == typ {
				c.taken[i] = true
				c.mu.Unlock()
				return e, nil
			}
		}
		changed, err := c.changed, c.closeErr
		c.mu.Unlock()
		if err != nil {
			return Event{}, fmt.Errorf("waiting for %s: %w", typ, err)
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return Event{}, fmt.Errorf("waiting for %s: %w", typ, ctx.Err())
		}
	}
}

// allEvents returns a copy of every event received so far.
func (c *ctrlClient) allEvents() []Event {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Event(nil), c.events...)
}

var errNoCtrl = errors.New("baresip is not running")
