package testlab

import (
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestChromiumEvalDataPage(t *testing.T) {
	page := `<!doctype html><title>t</title><p id="p">hello</p>` +
		`<script>console.log("loading", 42); window.x = {a: 1, b: [true, null]};` +
		`setTimeout(() => { document.body.dataset.late = "yes" }, 200)</script>`
	b := StartChromium(t, "data:text/html,"+url.PathEscape(page))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	for _, c := range []struct{ expr, want string }{
		{`document.getElementById("p").textContent`, "hello"},
		{`document.title`, "t"},
		{`x`, `{"a":1,"b":[true,null]}`},
		{`1 + 1`, "2"},
		{`null`, "null"},
		{`undefined`, "undefined"},
		{`0/0`, "NaN"},
		{`10n`, "10n"},
		{`Promise.resolve("later")`, "later"},
		{`"<b>" + 1`, "<b>1"},
	} {
		got, err := b.Eval(ctx, c.expr)
		if err != nil || got != c.want {
			t.Errorf("Eval(%s) = %q, %v; want %q", c.expr, got, err, c.want)
		}
	}
	got, err := b.WaitFor(ctx, `document.body.dataset.late`)
	if err != nil || got != "yes" {
		t.Errorf("WaitFor(late) = %q, %v; want yes", got, err)
	}
	// The page logged while it loaded: it is watched before it opens.
	if c := b.Console(); !slices.Contains(c, "console.log: loading 42") {
		t.Errorf("console = %q, want the page's log line", c)
	}
}

func TestChromiumFilePage(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "page.html")
	if err := os.WriteFile(p, []byte(`<!doctype html><body><script>document.body.textContent = location.hash.slice(1)</script>`), 0o644); err != nil {
		t.Fatal(err)
	}
	b := StartChromium(t, (&url.URL{Scheme: "file", Path: p, Fragment: "from-the-hash"}).String())
	got, err := b.Eval(context.Background(), `document.body.textContent`)
	if err != nil || got != "from-the-hash" {
		t.Errorf("file page body = %q, %v; want from-the-hash", got, err)
	}
}

func TestChromiumJavaScriptErrors(t *testing.T) {
	b := StartChromium(t, "data:text/html,<p>errors</p>")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	for _, c := range []struct{ expr, want string }{
		{`throw new Error("boom")`, "Error: boom"},
		{`nosuchvar.x`, "ReferenceError: nosuchvar is not defined"},
		{`Promise.reject(new TypeError("rejected"))`, "TypeError: rejected"},
		{`throw "plain"`, "plain"},
		{`)`, "SyntaxError"},
	} {
		got, err := b.Eval(ctx, c.expr)
		var jsErr *JSError
		if !errors.As(err, &jsErr) || !strings.Contains(jsErr.Message, c.want) {
			t.Errorf("Eval(%s) = %q, %v; want a JSError with %q", c.expr, got, err, c.want)
		}
	}
	// The page still answers after its errors.
	if got, err := b.Eval(ctx, `"alive"`); err != nil || got != "alive" {
		t.Errorf("Eval after errors = %q, %v", got, err)
	}

	// WaitFor keeps trying through exceptions, and says which one was
	// last when it gives up.
	short, cancelShort := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancelShort()
	start := time.Now()
	_, err := b.WaitFor(short, `document.getElementById("never").textContent`)
	if err == nil || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "TypeError") {
		t.Errorf("WaitFor on a missing element = %v; want a deadline error naming the TypeError", err)
	}
	if took := time.Since(start); took < 250*time.Millisecond {
		t.Errorf("WaitFor gave up after %v, before its deadline", took)
	}
	short2, cancel2 := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel2()
	if _, err := b.WaitFor(short2, `false`); err == nil || !strings.Contains(err.Error(), `last value "false"`) {
		t.Errorf("WaitFor(false) = %v; want a deadline error with the last value", err)
	}

	// An uncaught exception of the page's own reaches the test's log.
	if _, err := b.Eval(ctx, `setTimeout(() => { throw new RangeError("async") }, 0); 1`); err != nil {
		t.Fatal(err)
	}
	Eventually(t, 5*time.Second, "the page's uncaught exception in its console", func() bool {
		return slices.ContainsFunc(b.Console(), func(l string) bool {
			return strings.HasPrefix(l, "uncaught: ") && strings.Contains(l, "RangeError: async")
		})
	})
}

func TestChromiumGoneIsAnError(t *testing.T) {
	b := StartChromium(t, "data:text/html,<p>short-lived</p>")
	kill(b.cmd.Process) // chromium and its renderers, as a crash would
	_, err := b.Eval(context.Background(), `1`)
	if err == nil || !strings.Contains(err.Error(), "chromium exited") || !strings.Contains(err.Error(), "--- chromium stderr ---") {
		t.Errorf("Eval on a dead chromium = %v; want an error saying it exited, with its stderr", err)
	}
	t.Logf("the error: %v", err)
	if _, err := b.WaitFor(context.Background(), `1`); err == nil {
		t.Error("WaitFor on a dead chromium returned no error")
	}
}
