//go:build !nogui && linux

package main

import (
	"bufio"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/softphone/softphone/internal/testlab"
)

// startSessionBus runs a private session bus and returns its address.
func startSessionBus(t *testing.T) string {
	t.Helper()
	testlab.Require(t, "dbus-daemon", "dbus-daemon")
	cmd := exec.Command("dbus-daemon", "--session", "--nofork", "--print-address", "--address=unix:dir="+t.TempDir())
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("dbus-daemon printed no address: %v", err)
	}
	return strings.TrimSpace(addr)
}

// startTrayHost runs gtk-sni-tray-standalone, a real StatusNotifierItem
// host that draws the items in a bar at the bottom of the screen, with
// its own StatusNotifierWatcher, and waits for the watcher on the bus.
// The host sometimes dies at start (a race of its own on the bus: "Pattern
// match failure" after UnknownObject); it is started again then, up to
// three times.
func startTrayHost(t *testing.T, env []string, bus *dbus.Conn) {
	t.Helper()
	testlab.Require(t, "gtk-sni-tray-standalone", "haskell-gtk-sni-tray-utils")
	watcher := func() bool {
		var has bool
		return bus.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, "org.kde.StatusNotifierWatcher").Store(&has) == nil && has
	}
	for try := 1; ; try++ {
		log, err := os.Create(filepath.Join(t.TempDir(), "tray.log"))
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("gtk-sni-tray-standalone", "--watcher", "--bottom", "--size", "40", "--color", "black")
		cmd.Env, cmd.Stdout, cmd.Stderr = env, log, log
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan struct{})
		go func() { _ = cmd.Wait(); close(exited) }()
		t.Cleanup(func() {
			_ = cmd.Process.Kill()
			<-exited
			if t.Failed() {
				b, _ := os.ReadFile(log.Name())
				t.Logf("tray host log:\n%s", b)
			}
		})
		up := false
		for deadline := time.Now().Add(20 * time.Second); !up && time.Now().Before(deadline); {
			select {
			case <-exited:
				deadline = time.Time{}
			case <-time.After(50 * time.Millisecond):
				up = watcher()
			}
		}
		if up {
			return
		}
		b, _ := os.ReadFile(log.Name())
		if try == 3 {
			t.Fatalf("the tray host's StatusNotifierWatcher on the session bus: not after %d starts; last log:\n%s", try, b)
		}
		t.Logf("the tray host ended before its watcher was up (start %d), again; its log:\n%s", try, b)
	}
}

// sniItem is a StatusNotifierItem as the tray host sees it.
type sniItem struct {
	t    *testing.T
	obj  dbus.BusObject
	menu dbus.BusObject
}

// registeredItem waits for an item registered with the watcher.
func registeredItem(t *testing.T, bus *dbus.Conn) *sniItem {
	t.Helper()
	var items []string
	waitFor(t, "an item registered with the StatusNotifierWatcher", 20*time.Second, func() bool {
		v, err := bus.Object("org.kde.StatusNotifierWatcher", "/StatusNotifierWatcher").
			GetProperty("org.kde.StatusNotifierWatcher.RegisteredStatusNotifierItems")
		return err == nil && v.Store(&items) == nil && len(items) > 0
	})
	// An entry is a bus name, or a bus name and an object path.
	dest, path, ok := strings.Cut(items[0], "/")
	if !ok {
		path = "StatusNotifierItem"
	}
	it := &sniItem{t: t, obj: bus.Object(dest, dbus.ObjectPath("/"+path))}
	var menu dbus.ObjectPath
	if err := it.prop("Menu", &menu); err != nil {
		t.Fatalf("item %s: Menu: %v", items[0], err)
	}
	it.menu = bus.Object(dest, menu)
	return it
}

func (it *sniItem) prop(name string, dst any) error {
	v, err := it.obj.GetProperty("org.kde.StatusNotifierItem." + name)
	if err != nil {
		return err
	}
	return v.Store(dst)
}

// tooltip is the ToolTip's title.
func (it *sniItem) tooltip() string {
	var tip struct {
		Name  string
		Icons []struct {
			W, H int32
			Pix  []byte
		}
		Title, Text string
	}
	if err := it.prop("ToolTip", &tip); err != nil {
		it.t.Fatalf("ToolTip: %v", err)
	}
	return tip.Title
}

// iconAt is the icon's pixel (x, y) as R, G, B (the pixmap is ARGB32 in
// network order).
func (it *sniItem) iconAt(x, y int) [3]byte {
	var px []struct {
		W, H int32
		Pix  []byte
	}
	if err := it.prop("IconPixmap", &px); err != nil || len(px) == 0 {
		it.t.Fatalf("IconPixmap: %v (%d pixmaps)", err, len(px))
	}
	p := px[0]
	i := (y*int(p.W) + x) * 4
	if i+4 > len(p.Pix) {
		it.t.Fatalf("IconPixmap %dx%d has %d bytes", p.W, p.H, len(p.Pix))
	}
	return [3]byte{p.Pix[i+1], p.Pix[i+2], p.Pix[i+3]}
}

// click sends the host's "clicked" event to the menu item labelled
// label, as a user's click in the host's menu does.
func (it *sniItem) click(label string) {
	it.t.Helper()
	id, ok := it.menuItem(label)
	if !ok {
		it.t.Fatalf("no visible menu item %q", label)
	}
	if err := it.menu.Call("com.canonical.dbusmenu.Event", 0, id, "clicked", dbus.MakeVariant(""), uint32(time.Now().Unix())).Err; err != nil {
		it.t.Fatalf("click %q: %v", label, err)
	}
}

// menuItem finds a visible item of the menu by its label.
func (it *sniItem) menuItem(label string) (int32, bool) {
	var rev uint32
	var root struct {
		ID       int32
		Props    map[string]dbus.Variant
		Children []dbus.Variant
	}
	if err := it.menu.Call("com.canonical.dbusmenu.GetLayout", 0, int32(0), int32(-1), []string{}).Store(&rev, &root); err != nil {
		it.t.Fatalf("menu GetLayout: %v", err)
	}
	for _, c := range root.Children {
		f, ok := c.Value().([]any)
		if len(f) != 3 || !ok {
			continue
		}
		id, _ := f[0].(int32)
		props, _ := f[1].(map[string]dbus.Variant)
		if v, ok := props["visible"]; ok && v.Value() == false {
			continue
		}
		if l, ok := props["label"]; ok && l.Value() == label {
			return id, true
		}
	}
	return 0, false
}

// menuLabels lists the visible items' labels, for messages.
func (it *sniItem) menuLabels() string {
	var out []string
	for _, l := range []string{"Show window", "Do not disturb", "Decline", "Quit"} {
		if _, ok := it.menuItem(l); ok {
			out = append(out, l)
		}
	}
	return fmt.Sprint(out)
}

// trayPixels counts, in a picture of the screen below the window (where
// the host's bar is), the pixels near each of cs.
func trayPixels(t *testing.T, env []string, name string, cs ...[3]byte) []int {
	t.Helper()
	dir := os.Getenv("SOFTPHONE_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	path := filepath.Join(dir, name)
	imp := exec.Command("import", "-window", "root", "-crop", "1280x124+0+900", "+repage", path)
	imp.Env = env
	if out, err := imp.CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	n := make([]int, len(cs))
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			for i, c := range cs {
				if closeTo(r>>8, c[0]) && closeTo(g>>8, c[1]) && closeTo(bl>>8, c[2]) {
					n[i]++
				}
			}
		}
	}
	return n
}

func closeTo(v uint32, c byte) bool { return v+12 >= uint32(c) && v <= uint32(c)+12 }
