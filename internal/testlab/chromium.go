package testlab

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// Browser is a headless Chromium showing one page for a test, driven over
// the DevTools protocol on loopback. What the page writes to its console
// goes to the test's log.
type Browser struct {
	t      testing.TB
	cmd    *exec.Cmd
	exited chan struct{} // closed when chromium's main process has exited
	stderr *SyncBuffer   // chromium's own output, for errors
	eof    chan struct{} // closed when nothing holds chromium's stderr any more
	cdp    *cdpConn

	mu      sync.Mutex
	console []string
}

// How long starting and stopping chromium may take; a cold start on a
// loaded two-core machine takes a few seconds.
const (
	chromiumStartTimeout = 60 * time.Second
	chromiumLoadTimeout  = 30 * time.Second
	chromiumStopTimeout  = 5 * time.Second
)

// StartChromium starts a headless chromium (Debian's chromium, as root
// too: without its sandbox), opens url in its one page and returns once
// the page has loaded. The page is opened only after the console is
// watched, so nothing it logs while loading is lost. Chromium and every
// process it forked are killed when t ends. Like the other starters it
// skips without chromium (fails when CI=true) and under -short.
func StartChromium(t testing.TB, url string) *Browser {
	t.Helper()
	Require(t, "chromium", "chromium")
	if err := startAllowed(); err != nil {
		t.Fatal(err)
	}
	b := &Browser{t: t, stderr: &SyncBuffer{}, exited: make(chan struct{}), eof: make(chan struct{})}
	if err := b.start(); err != nil {
		t.Fatalf("chromium: %v\n--- chromium stderr ---\n%s", err, tail(b.stderr.String(), 4000))
	}
	ctx, cancel := context.WithTimeout(context.Background(), chromiumLoadTimeout)
	defer cancel()
	if err := b.open(ctx, url); err != nil {
		t.Fatalf("chromium: %v\n--- chromium stderr ---\n%s", err, tail(b.stderr.String(), 4000))
	}
	return b
}

// chromiumArgs keep chromium to itself: no first-run UI, no background
// traffic, no GPU (there is none), a fresh profile, DevTools on an
// ephemeral loopback port. /dev/shm is avoided because Debian's wrapper,
// which should decide that from its free space, miscomputes it when
// findmnt prints more than one line.
func chromiumArgs(profile string) []string {
	return []string{
		"--headless=new", "--no-sandbox", "--disable-gpu",
		"--user-data-dir=" + profile,
		"--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
		"--no-first-run", "--no-default-browser-check",
		"--disable-dev-shm-usage", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--disable-extensions",
		"--disable-features=Translate,MediaRouter", "--mute-audio",
		"--password-store=basic", "--use-mock-keychain",
		"about:blank",
	}
}

// start runs chromium and connects to its page. The stop is registered
// before anything can fail, so a failed start leaves nothing running.
func (b *Browser) start() error {
	bin, err := lookBin("chromium")
	if err != nil {
		return err
	}
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	// The pipe is ours, not exec's: Wait then returns when chromium itself
	// exits, not when its last renderer lets go of stderr.
	cmd := exec.Command(bin, chromiumArgs(b.t.TempDir())...)
	cmd.Stderr = w
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		r.Close()
		w.Close()
		return fmt.Errorf("run %s: %w", bin, err)
	}
	w.Close()
	b.cmd = cmd
	go func() {
		_ = cmd.Wait()
		close(b.exited)
	}()
	listening := make(chan string, 1)
	go b.readStderr(r, listening)
	b.t.Cleanup(b.stop)

	var wsURL string
	select {
	case wsURL = <-listening:
	case <-b.exited:
		return fmt.Errorf("exited before DevTools listened: %v", cmd.ProcessState)
	case <-time.After(chromiumStartTimeout):
		return fmt.Errorf("no \"DevTools listening\" line within %v", chromiumStartTimeout)
	}
	u, err := url.Parse(wsURL)
	if err != nil {
		return fmt.Errorf("DevTools address %q: %w", wsURL, err)
	}
	if ip := net.ParseIP(u.Hostname()); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("DevTools listens on %s, not on loopback", u.Host)
	}
	ctx, cancel := context.WithTimeout(context.Background(), chromiumStartTimeout)
	defer cancel()
	target, err := b.pageTarget(ctx, u.Host)
	if err != nil {
		return err
	}
	b.cdp, err = dialCDP(ctx, target, b.onEvent)
	return err
}

// readStderr keeps chromium's stderr for error messages and passes on the
// DevTools address it announces.
func (b *Browser) readStderr(r io.ReadCloser, listening chan<- string) {
	defer close(b.eof)
	defer r.Close()
	const prefix = "DevTools listening on "
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, prefix); ok {
			select {
			case listening <- strings.TrimSpace(rest):
			default:
			}
		}
		// Without a D-Bus system bus chromium complains at length; it says
		// nothing about the page and would crowd out what does.
		if strings.Contains(line, ":ERROR:dbus/") {
			continue
		}
		b.stderr.Write([]byte(line + "\n"))
	}
	_, _ = io.Copy(io.Discard, r) // a line over 1 MiB ends the scan; keep draining
}

// pageTarget asks DevTools for its targets until the page is listed, and
// returns the page's websocket address.
func (b *Browser) pageTarget(ctx context.Context, hostport string) (string, error) {
	client := &http.Client{Timeout: 5 * time.Second}
	var last error
	for {
		ws, err := listPage(ctx, client, "http://"+hostport+"/json/list")
		if err == nil && ws != "" {
			return ws, nil
		}
		if err != nil {
			last = err
		}
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("no page target on %s: %w (last error: %v)", hostport, ctx.Err(), last)
		case <-b.exited:
			return "", errors.New("exited while starting")
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func listPage(ctx context.Context, client *http.Client, url string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	var targets []struct {
		Type                 string `json:"type"`
		URL                  string `json:"url"`
		WebSocketDebuggerURL string `json:"webSocketDebuggerUrl"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&targets); err != nil {
		return "", fmt.Errorf("GET %s: %w", url, err)
	}
	for _, t := range targets {
		if t.Type == "page" && t.WebSocketDebuggerURL != "" {
			return t.WebSocketDebuggerURL, nil
		}
	}
	return "", nil
}

// open watches the console, then navigates the page to url and waits for
// its load event.
func (b *Browser) open(ctx context.Context, url string) error {
	for _, m := range []string{"Runtime.enable", "Log.enable", "Page.enable"} {
		if err := b.cdp.call(ctx, m, nil, nil); err != nil {
			return err
		}
	}
	if err := b.cdp.call(ctx, "Page.setLifecycleEventsEnabled", map[string]bool{"enabled": true}, nil); err != nil {
		return err
	}
	events, stop := b.cdp.subscribe("Page.lifecycleEvent")
	defer stop()
	var nav struct {
		LoaderID  string `json:"loaderId"`
		ErrorText string `json:"errorText"`
	}
	if err := b.cdp.call(ctx, "Page.navigate", map[string]string{"url": url}, &nav); err != nil {
		return err
	}
	if nav.ErrorText != "" {
		return fmt.Errorf("open %s: %s", url, nav.ErrorText)
	}
	if nav.LoaderID == "" {
		return nil // navigated within the document: nothing loads
	}
	for {
		select {
		case raw := <-events:
			var ev struct {
				LoaderID string `json:"loaderId"`
				Name     string `json:"name"`
			}
			if json.Unmarshal(raw, &ev) == nil && ev.LoaderID == nav.LoaderID && ev.Name == "load" {
				return nil
			}
		case <-ctx.Done():
			return fmt.Errorf("open %s: no load event: %w", url, ctx.Err())
		case <-b.cdp.done:
			return fmt.Errorf("open %s: %w", url, b.cdp.closedErr())
		}
	}
}

// onEvent puts what the page says on the test's log. It runs on the read
// loop, which ends before the test does (stop).
func (b *Browser) onEvent(method string, params json.RawMessage) {
	var line string
	switch method {
	case "Runtime.consoleAPICalled":
		var ev struct {
			Type string         `json:"type"`
			Args []remoteObject `json:"args"`
		}
		if json.Unmarshal(params, &ev) != nil {
			return
		}
		parts := make([]string, len(ev.Args))
		for i, a := range ev.Args {
			parts[i] = a.String()
		}
		line = "console." + ev.Type + ": " + strings.Join(parts, " ")
	case "Runtime.exceptionThrown":
		var ev struct {
			Details exceptionDetails `json:"exceptionDetails"`
		}
		if json.Unmarshal(params, &ev) != nil {
			return
		}
		line = "uncaught: " + ev.Details.message()
	case "Log.entryAdded":
		// The browser's own messages about the page: a failed WebSocket
		// or resource, a blocked request.
		var ev struct {
			Entry struct {
				Source string `json:"source"`
				Level  string `json:"level"`
				Text   string `json:"text"`
				URL    string `json:"url"`
			} `json:"entry"`
		}
		if json.Unmarshal(params, &ev) != nil {
			return
		}
		line = fmt.Sprintf("%s %s: %s", ev.Entry.Source, ev.Entry.Level, ev.Entry.Text)
		if ev.Entry.URL != "" {
			line += " (" + ev.Entry.URL + ")"
		}
	case "Inspector.targetCrashed":
		line = "the page crashed"
	default:
		return
	}
	b.mu.Lock()
	b.console = append(b.console, line)
	b.mu.Unlock()
	b.t.Logf("chromium page: %s", line)
}

// Console is what the page has said so far, one line a message: its
// console calls ("console.log: a b"), uncaught exceptions ("uncaught:
// ...") and the browser's messages about it ("network error: ...").
func (b *Browser) Console() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.console...)
}

// stop closes the DevTools connection, then asks chromium to quit (it
// takes its renderers with it) and kills whatever of its process group is
// left after chromiumStopTimeout. It waits until no process of chromium's
// is left holding its stderr, so the profile directory can be removed.
func (b *Browser) stop() {
	if b.cdp != nil {
		b.cdp.close()
	}
	if b.cmd == nil {
		return
	}
	terminate(b.cmd.Process)
	select {
	case <-b.exited:
	case <-time.After(chromiumStopTimeout):
		b.t.Logf("chromium did not exit within %v of SIGTERM; killing it", chromiumStopTimeout)
		kill(b.cmd.Process)
		<-b.exited
	}
	killGroup(b.cmd.Process)
	select {
	case <-b.eof:
	case <-time.After(chromiumStopTimeout):
		b.t.Logf("chromium: a process still holds its stderr %v after it exited", chromiumStopTimeout)
	}
}
