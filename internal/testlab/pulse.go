package testlab

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Pulse is a private PulseAudio server with one null sink whose monitor
// is the default source: what a program plays comes back on its capture
// (the recipe of shared/README.md).
type Pulse struct {
	Cmd *exec.Cmd
	// Env points a client at this server and keeps the client's state
	// out of the real home.
	Env []string
}

// StartPulse starts the server for the test's life.
func StartPulse(t testing.TB) *Pulse {
	t.Helper()
	Require(t, "pulseaudio", "pulseaudio")
	Require(t, "pactl", "pulseaudio-utils")
	if err := startAllowed(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	sock := filepath.Join(dir, "pulse.sock")
	p := &Pulse{Env: []string{"HOME=" + dir, "XDG_CONFIG_HOME=" + dir, "XDG_RUNTIME_DIR=" + dir, "PULSE_SERVER=unix:" + sock}}
	p.Cmd = exec.Command("pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no",
		"-L", "module-native-protocol-unix auth-anonymous=1 socket="+sock,
		"-L", "module-null-sink sink_name=nullsink rate=48000 channels=1")
	p.Cmd.Env = append(os.Environ(), p.Env...)
	log, err := os.Create(filepath.Join(dir, "pulse.log"))
	if err != nil {
		t.Fatal(err)
	}
	p.Cmd.Stdout, p.Cmd.Stderr = log, log
	if err := p.Cmd.Start(); err != nil {
		t.Fatalf("testlab: start pulseaudio: %v", err)
	}
	t.Cleanup(func() {
		_ = p.Cmd.Process.Kill()
		_ = p.Cmd.Wait()
		_ = log.Close()
		if t.Failed() {
			b, _ := os.ReadFile(log.Name())
			t.Logf("pulseaudio log:\n%s", b)
		}
	})
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		set := exec.Command("pactl", "set-default-source", "nullsink.monitor")
		set.Env = append(os.Environ(), p.Env...)
		err := set.Run()
		if err == nil {
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("testlab: pulseaudio did not come up: %v", err)
		}
	}
}
