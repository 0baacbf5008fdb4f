package testlab

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// cdpConn is one DevTools protocol (CDP) session with a page target:
// numbered calls answered by id, and events by method name.
type cdpConn struct {
	ws      *websocket.Conn
	onEvent func(method string, params json.RawMessage) // from the read loop

	nextID atomic.Int64
	done   chan struct{} // closed when the read loop has ended

	mu      sync.Mutex
	pending map[int64]chan cdpMessage
	subs    map[string][]chan json.RawMessage
	err     error // why the read loop ended
}

type cdpMessage struct {
	ID     int64           `json:"id,omitempty"`
	Method string          `json:"method,omitempty"`
	Params json.RawMessage `json:"params,omitempty"`
	Result json.RawMessage `json:"result,omitempty"`
	Error  *cdpError       `json:"error,omitempty"`
}

type cdpError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    string `json:"data,omitempty"`
}

func (e *cdpError) Error() string {
	if e.Data != "" {
		return fmt.Sprintf("%s (%d): %s", e.Message, e.Code, e.Data)
	}
	return fmt.Sprintf("%s (%d)", e.Message, e.Code)
}

// cdpReadLimit bounds one message from chromium: results returned by value
// can be large, far over the websocket package's 32 KiB default.
const cdpReadLimit = 64 << 20

// cdpWriteTimeout bounds sending one call to chromium on loopback.
const cdpWriteTimeout = 10 * time.Second

// dialCDP connects to a target's webSocketDebuggerUrl and starts reading.
func dialCDP(ctx context.Context, url string, onEvent func(string, json.RawMessage)) (*cdpConn, error) {
	ws, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		return nil, fmt.Errorf("devtools websocket %s: %w", url, err)
	}
	ws.SetReadLimit(cdpReadLimit)
	c := &cdpConn{
		ws:      ws,
		onEvent: onEvent,
		done:    make(chan struct{}),
		pending: map[int64]chan cdpMessage{},
		subs:    map[string][]chan json.RawMessage{},
	}
	go c.readLoop()
	return c, nil
}

func (c *cdpConn) readLoop() {
	var err error
	defer func() {
		c.mu.Lock()
		c.err = err
		c.mu.Unlock()
		close(c.done)
	}()
	for {
		var data []byte
		_, data, err = c.ws.Read(context.Background())
		if err != nil {
			return
		}
		var m cdpMessage
		if jerr := json.Unmarshal(data, &m); jerr != nil {
			err = fmt.Errorf("devtools sent something that is not JSON: %w", jerr)
			c.ws.CloseNow()
			return
		}
		if m.ID != 0 {
			c.mu.Lock()
			ch := c.pending[m.ID]
			delete(c.pending, m.ID)
			c.mu.Unlock()
			if ch != nil {
				ch <- m // buffered: the caller may have given up
			}
			continue
		}
		c.mu.Lock()
		for _, ch := range c.subs[m.Method] {
			select {
			case ch <- m.Params:
			default: // a subscriber that stopped reading loses events, the loop never blocks
			}
		}
		c.mu.Unlock()
		if c.onEvent != nil {
			c.onEvent(m.Method, m.Params)
		}
	}
}

// call sends method with params and decodes its result into result (if
// not nil).
func (c *cdpConn) call(ctx context.Context, method string, params, result any) error {
	if params == nil {
		params = struct{}{}
	}
	id := c.nextID.Add(1)
	req, err := json.Marshal(struct {
		ID     int64  `json:"id"`
		Method string `json:"method"`
		Params any    `json:"params"`
	}{id, method, params})
	if err != nil {
		return fmt.Errorf("cdp %s: %w", method, err)
	}
	reply := make(chan cdpMessage, 1)
	c.mu.Lock()
	c.pending[id] = reply
	c.mu.Unlock()
	forget := func() {
		c.mu.Lock()
		delete(c.pending, id)
		c.mu.Unlock()
	}
	// The websocket package closes the connection when a write's context
	// ends mid-write, so a caller's deadline must not reach it: the write
	// has a bound of its own, and only a stuck connection hits it.
	wctx, cancel := context.WithTimeout(context.Background(), cdpWriteTimeout)
	err = c.ws.Write(wctx, websocket.MessageText, req)
	cancel()
	if err != nil {
		forget()
		return fmt.Errorf("cdp %s: %w", method, err)
	}
	select {
	case m := <-reply:
		if m.Error != nil {
			return fmt.Errorf("cdp %s: %w", method, m.Error)
		}
		if result == nil {
			return nil
		}
		if err := json.Unmarshal(m.Result, result); err != nil {
			return fmt.Errorf("cdp %s: result: %w", method, err)
		}
		return nil
	case <-ctx.Done():
		forget()
		return fmt.Errorf("cdp %s: %w", method, ctx.Err())
	case <-c.done:
		return fmt.Errorf("cdp %s: %w", method, c.closedErr())
	}
}

// subscribe delivers the params of every later event named method until
// the returned func is called. The channel holds 256 events; beyond, they
// are dropped.
func (c *cdpConn) subscribe(method string) (<-chan json.RawMessage, func()) {
	ch := make(chan json.RawMessage, 256)
	c.mu.Lock()
	c.subs[method] = append(c.subs[method], ch)
	c.mu.Unlock()
	return ch, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		list := c.subs[method]
		for i, s := range list {
			if s == ch {
				c.subs[method] = append(list[:i:i], list[i+1:]...)
				break
			}
		}
	}
}

// closedErr says why the connection is gone.
func (c *cdpConn) closedErr() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil || errors.Is(c.err, context.Canceled) {
		return errors.New("devtools connection closed")
	}
	return fmt.Errorf("devtools connection closed: %w", c.err)
}

// close drops the connection at once (chromium is stopped right after; a
// closing handshake would only wait) and waits for the read loop, so no
// event is handled after it returns.
func (c *cdpConn) close() {
	c.ws.CloseNow()
	<-c.done
}

// remoteObject is CDP's Runtime.RemoteObject, as much as we read of it.
type remoteObject struct {
	Type                string          `json:"type"`
	Subtype             string          `json:"subtype,omitempty"`
	Value               json.RawMessage `json:"value,omitempty"`
	UnserializableValue string          `json:"unserializableValue,omitempty"`
	Description         string          `json:"description,omitempty"`
}

// String is the object as Eval returns it: a string as itself, other
// values as JSON, what JSON cannot hold (undefined, NaN, 1n, functions)
// as JavaScript writes it.
func (o remoteObject) String() string {
	switch {
	case o.Type == "undefined":
		return "undefined"
	case o.UnserializableValue != "":
		return o.UnserializableValue
	case o.Type == "string":
		var s string
		if json.Unmarshal(o.Value, &s) == nil {
			return s
		}
	case len(o.Value) > 0:
		return string(o.Value)
	}
	return o.Description
}

// exceptionDetails is CDP's Runtime.ExceptionDetails.
type exceptionDetails struct {
	Text         string        `json:"text"`
	LineNumber   int           `json:"lineNumber"`
	ColumnNumber int           `json:"columnNumber"`
	URL          string        `json:"url,omitempty"`
	Exception    *remoteObject `json:"exception,omitempty"`
}

// message is the exception as the page's console would show it: the
// error's description (with its stack) when there is one.
func (d exceptionDetails) message() string {
	msg := d.Text
	if d.Exception != nil {
		if s := d.Exception.Description; s != "" {
			msg = s
		} else if s := d.Exception.String(); s != "" {
			msg = "Uncaught " + s // a thrown non-Error value
		}
	}
	if d.URL != "" {
		msg += fmt.Sprintf(" (%s:%d:%d)", d.URL, d.LineNumber+1, d.ColumnNumber+1)
	}
	return strings.TrimSpace(msg)
}
