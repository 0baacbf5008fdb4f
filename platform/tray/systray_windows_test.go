package tray

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"

	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/state"
	"github.com/softphone/softphone/internal/wine"
)

// syncBuffer is what the tray library logs.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// TestSystrayWindows runs the real notification-area icon: it comes up
// with its menu, takes the icons (.ico) and tooltips of a registration
// and a ringing call without an error from the shell, a menu command
// sent to its window (as the shell sends a click) reaches the phone,
// and it goes away within 2 s.
func TestSystrayWindows(t *testing.T) {
	if os.Getenv("DISPLAY") == "" {
		wine.Skip(t, "Wine has no notification area without an X display; TestSystrayUnderWine runs this on Xvfb")
	}
	var logged syncBuffer
	log.SetOutput(&logged) // the library reports its failures there
	defer log.SetOutput(os.Stderr)

	p := newFakePhone()
	s := newSystray(ViewOf(p.State()), slog.Default())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); run(ctx, p, s, newOptions(nil)) }()

	var it *items
	for deadline := time.Now().Add(10 * time.Second); it == nil; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the tray's menu was not built within 10 s; logged:\n%s", logged.String())
		}
		s.mu.Lock()
		it = s.items
		s.mu.Unlock()
	}
	// Show applies at once once the menu is built: errors are logged by now.
	s.Show(ViewOf(state.State{Accounts: []account.Status{{Account: "alice", State: account.Registered}}}))
	s.Show(ViewOf(state.State{Calls: []call.Info{{ID: "c1", State: call.Incoming, Remote: call.Party{URI: "sip:bob@x"}}}}))
	if l := logged.String(); strings.Contains(l, "systray error") {
		t.Fatalf("the tray library failed:\n%s", l)
	}

	user32 := windows.NewLazySystemDLL("user32.dll")
	class, _ := windows.UTF16PtrFromString("SystrayClass")
	hwnd, _, err := user32.NewProc("FindWindowW").Call(uintptr(unsafe.Pointer(class)), 0)
	if hwnd == 0 {
		t.Fatalf("the tray's window: %v", err)
	}
	var id uint32
	if _, err := fmt.Sscanf(it.dnd.String(), "MenuItem[%d,", &id); err != nil {
		t.Fatalf("the item's id in %q: %v", it.dnd.String(), err)
	}
	const wmCommand = 0x0111
	if ok, _, err := user32.NewProc("PostMessageW").Call(hwnd, wmCommand, uintptr(id), 0); ok == 0 {
		t.Fatal(err)
	}
	waitRecorded(t, p, "dnd on ")

	cancel()
	<-done
	start := time.Now()
	s.Close()
	select {
	case <-s.done:
		t.Logf("Close: the tray's loop ended in %v", time.Since(start).Round(time.Millisecond))
	default:
		t.Errorf("Close returned after %v with the tray's loop still running", time.Since(start).Round(time.Millisecond))
	}
	if l := logged.String(); strings.Contains(l, "systray error") {
		t.Errorf("the tray library failed:\n%s", l)
	}
}
