//go:build linux && !android

package notify

import (
	"bufio"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/softphone/softphone/internal/testlab"
)

// server is a stand-in for the desktop's notification service.
type server struct{ got chan []string }

func (s *server) Notify(app string, replaces uint32, icon, summary, body string, actions []string,
	hints map[string]dbus.Variant, timeout int32) (uint32, *dbus.Error) {
	s.got <- []string{app, summary, body}
	return 7, nil
}

// TestNotifyOverSessionBus runs a private session bus with a fake
// notification service and checks what Desktop sends it.
func TestNotifyOverSessionBus(t *testing.T) {
	testlab.Require(t, "dbus-daemon", "dbus-daemon")
	cmd := exec.Command("dbus-daemon", "--session", "--nofork", "--print-address")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", strings.TrimSpace(addr))

	svc, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	srv := &server{got: make(chan []string, 1)}
	if err := svc.Export(srv, "/org/freedesktop/Notifications", "org.freedesktop.Notifications"); err != nil {
		t.Fatal(err)
	}
	if reply, err := svc.RequestName("org.freedesktop.Notifications", dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("request name: %v %v", reply, err)
	}

	d, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Notify("Incoming call", "Carol"); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-srv.got:
		if got[0] != "Softphone" || got[1] != "Incoming call" || got[2] != "Carol" {
			t.Fatalf("notification %q", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no notification reached the service")
	}
	if d.last != 7 {
		t.Fatalf("the next notification should replace id 7, has %d", d.last)
	}
}
