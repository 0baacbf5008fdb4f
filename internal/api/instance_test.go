package api

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
)

// needUnixSockets skips where the system has no unix sockets: Wine 8.0
// (WSAEAFNOSUPPORT); Windows 10 1803 and later have them.
func needUnixSockets(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("unix", filepath.Join(t.TempDir(), "probe.sock"))
	if errors.Is(err, syscall.Errno(10047)) {
		t.Skip("no unix sockets on this system (Wine 8.0): " + err.Error())
	}
	if err == nil {
		ln.Close()
	}
}

func TestInstanceHandsTheCallToTheRunningPhone(t *testing.T) {
	needUnixSockets(t)
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	path := InstancePath(filepath.Join(t.TempDir(), "config.toml"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	if _, err := HandOff(ctx, path, "sip:bob@example.com", ""); !errors.Is(err, ErrNoInstance) {
		t.Fatalf("no phone running: %v, want ErrNoInstance", err)
	}

	p := newFakePhone(t)
	ln, err := ListenInstance(path)
	if err != nil {
		t.Fatal(err)
	}
	go ServeInstance(ctx, ln, p)
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm()&0o077 != 0 {
		t.Fatalf("socket mode %v (%v): others could connect", st.Mode(), err)
	}
	if dir, _ := os.Stat(filepath.Dir(path)); dir.Mode().Perm() != 0o700 {
		t.Fatalf("socket directory mode %v, want 0700", dir.Mode().Perm())
	}
	id, err := HandOff(ctx, path, "sip:bob@example.com", "")
	if err != nil || id != "c9" {
		t.Fatalf("hand off: %q %v", id, err)
	}
	if l := p.log(); len(l) != 1 || l[0] != "dial sip:bob@example.com " {
		t.Fatalf("the phone was asked %v", l)
	}
	// A second phone cannot take the socket over.
	if _, err := ListenInstance(path); !errors.Is(err, ErrInUse) {
		t.Fatalf("second listener: %v, want ErrInUse", err)
	}
	// A bad address comes back as the running phone's error.
	p.err = errors.New("bad address: nope")
	var re *RemoteError
	if _, err := HandOff(ctx, path, "nope", ""); !errors.As(err, &re) || re.Message != "bad address: nope" {
		t.Fatalf("refused call: %v", err)
	}
}

func TestInstanceSocketLeftByADeadPhoneIsReplaced(t *testing.T) {
	needUnixSockets(t)
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	path := InstancePath(filepath.Join(t.TempDir(), "config.toml"))
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	// A socket file nobody serves, as a killed phone leaves it.
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	ln.Close()
	ln2, err := ListenInstance(path)
	if err != nil {
		t.Fatalf("stale socket: %v", err)
	}
	ln2.Close()
}

func TestInstanceDirectoryOthersCanOpenIsRefused(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows has no mode bits to open a directory to others with")
	}
	dir := t.TempDir()
	t.Setenv("XDG_RUNTIME_DIR", dir)
	if err := os.MkdirAll(filepath.Join(dir, "softphone"), 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(dir, "softphone"), 0o777); err != nil {
		t.Fatal(err)
	}
	if _, err := ListenInstance(InstancePath("/x/config.toml")); err == nil {
		t.Fatal("a world-writable socket directory was accepted")
	}
}

func TestListenUnixAndTCP(t *testing.T) {
	needUnixSockets(t)
	path := filepath.Join(t.TempDir(), "api.sock")
	for _, addr := range []string{"unix:" + path, "127.0.0.1:0"} {
		ln, err := Listen(addr, ListenOptions{})
		if err != nil {
			t.Fatalf("%s: %v", addr, err)
		}
		ln.Close()
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the socket file stays after close: %v", err)
	}
	if _, err := Listen("127.0.0.1:0", ListenOptions{TLSCert: "/nonexistent.pem", TLSKey: "/nonexistent.key"}); err == nil {
		t.Fatal("a missing certificate was accepted")
	}
}
