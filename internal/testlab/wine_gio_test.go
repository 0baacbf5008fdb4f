package testlab

import (
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestRelaxGio applies the relaxation to the Gio this module builds with:
// both checks found and gone, the file still Go; and a file without them
// is refused rather than copied unchanged.
func TestRelaxGio(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil && runtime.GOOS == "windows" {
		t.Skip("the Windows sweep runs the tests under Wine, without Go to find Gio with")
	}
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "gioui.org").Output()
	if err != nil {
		t.Fatalf("go list -m gioui.org: %v", err)
	}
	b, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "app", "os_windows.go"))
	if err != nil {
		t.Fatal(err)
	}
	src, err := relaxGio(string(b))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range gioRelaxed {
		if strings.Contains(src, r.old) || !strings.Contains(src, r.new) {
			t.Errorf("not relaxed:\n%s", r.old)
		}
	}
	if _, err := parser.ParseFile(token.NewFileSet(), "os_windows.go", src, parser.SkipObjectResolution); err != nil {
		t.Fatalf("the relaxed copy does not parse: %v", err)
	}
	if _, err := relaxGio(strings.Replace(string(b), "EnableMouseInPointer(1)", "EnableMouseInPointer(0)", 1)); err == nil {
		t.Fatal("a changed check was not reported")
	}
}
