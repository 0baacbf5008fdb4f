package autostart

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/windows/registry"
)

// TestRunKey enables, checks with reg.exe, and disables. It uses a key of
// its own, unless SOFTPHONE_TEST_REAL_RUN_KEY=1 (a throwaway Wine prefix)
// lets it use the real Run key.
func TestRunKey(t *testing.T) {
	key := fmt.Sprintf(`Software\SoftphoneTest\Run-%d-%d`, os.Getpid(), time.Now().UnixNano())
	e := New(WithKey(key))
	if os.Getenv("SOFTPHONE_TEST_REAL_RUN_KEY") == "1" {
		e = New()
		key = e.key
	} else {
		t.Cleanup(func() { _ = registry.DeleteKey(registry.CURRENT_USER, key) })
	}
	if on, err := e.Enabled(); err != nil || on {
		t.Fatalf("Enabled before = %v, %v", on, err)
	}
	exe, cfg := `C:\Program Files\Softphone\softphone.exe`, `C:\Users\al ice\config.toml`
	if err := Apply(e, true, exe, []string{"--config", cfg}); err != nil {
		t.Fatal(err)
	}
	want := `"C:\Program Files\Softphone\softphone.exe" --config "C:\Users\al ice\config.toml"`
	out, err := exec.Command("reg", "query", `HKCU\`+key, "/v", ValueName).CombinedOutput()
	if err != nil || !strings.Contains(string(out), want) {
		t.Fatalf("reg query after Enable: %v\n%s\nwant the value %s", err, out, want)
	}
	t.Logf("reg query:\n%s", strings.TrimSpace(string(out)))
	if on, err := e.Enabled(); err != nil || !on {
		t.Fatalf("Enabled after Enable = %v, %v", on, err)
	}
	if err := Apply(e, true, exe, []string{"--config", cfg}); err != nil {
		t.Fatalf("enabling again: %v", err)
	}
	if err := Apply(e, false, "", nil); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("reg", "query", `HKCU\`+key, "/v", ValueName).CombinedOutput(); err == nil {
		t.Fatalf("reg query still finds the value after Disable:\n%s", out)
	}
	if on, err := e.Enabled(); err != nil || on {
		t.Fatalf("Enabled after Disable = %v, %v", on, err)
	}
	if err := e.Disable(); err != nil {
		t.Errorf("Disable with no value: %v", err)
	}
}

func TestCommandLine(t *testing.T) {
	for _, tt := range []struct {
		argv []string
		want string
	}{
		{[]string{`C:\sp.exe`}, `"C:\sp.exe"`},
		{[]string{`C:\a b\sp.exe`, "--config", `C:\x.toml`}, `"C:\a b\sp.exe" --config C:\x.toml`},
		{[]string{`C:\sp.exe`, `say "hi"`}, `"C:\sp.exe" "say \"hi\""`},
	} {
		if got := commandLine(tt.argv); got != tt.want {
			t.Errorf("commandLine(%q) = %s, want %s", tt.argv, got, tt.want)
		}
	}
}
