//go:build linux

package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/internal/testlab"
)

// TestWindowsInstallerUnderWine runs `make windows` with a signing
// certificate, checks the signatures, then installs with the per-user
// installer under Wine (silently), finds the programs, the Start-menu
// entry and the link handlers, runs the installed CLI, and uninstalls:
// nothing of ours is left.
func TestWindowsInstallerUnderWine(t *testing.T) {
	testlab.Require(t, "makensis", "nsis")
	testlab.Require(t, "osslsigncode", "osslsigncode")
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	certs, err := testlab.WriteCodeSigningCerts(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	start := time.Now()
	make := exec.Command("make", "-C", repo, "windows", "WIN_DIR="+dir, "WIN_SIGN_CERT="+certs.CertFile, "WIN_SIGN_KEY="+certs.KeyFile)
	if out, err := make.CombinedOutput(); err != nil {
		t.Fatalf("make windows: %v\n%s", err, tail(string(out), 3000))
	}
	t.Logf("make windows (signed): %v", time.Since(start))
	for _, exe := range []string{"softphone.exe", "softphone-cli.exe", "softphone-setup.exe"} {
		out, err := exec.Command("osslsigncode", "verify", "-CAfile", certs.CAFile, "-in", filepath.Join(dir, exe)).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "Signature verification: ok") {
			t.Fatalf("%s signature: %v\n%s", exe, err, tail(string(out), 1500))
		}
		if st, err := os.Stat(filepath.Join(dir, exe)); err == nil {
			t.Logf("%s: %.1f MB", exe, float64(st.Size())/(1<<20))
		}
		// Explorer, the Start menu and the installer's pages show the
		// program's own icon; its properties show the version.
		types, err := peResourceTypes(filepath.Join(dir, exe))
		if err != nil || !types[rtIcon] || !types[rtGroupIcon] || !types[rtVersion] {
			t.Fatalf("%s: resource types %v (want icon %d, group icon %d, version %d): %v", exe, types, rtIcon, rtGroupIcon, rtVersion, err)
		}
	}

	w := testlab.StartWine(t, repo)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if out, err := w.Command(ctx, nil, filepath.Join(dir, "softphone-setup.exe"), "/S").CombinedOutput(); err != nil {
		t.Fatalf("install: %v\n%s", err, out)
	}
	user := w.User(t)
	inst := filepath.Join(w.Prefix, "drive_c", "users", user, "AppData", "Local", "Programs", "Softphone")
	for _, f := range []string{"softphone.exe", "softphone-cli.exe", "uninstall.exe"} {
		if _, err := os.Stat(filepath.Join(inst, f)); err != nil {
			t.Fatalf("installed %s: %v", f, err)
		}
	}
	menu := filepath.Join(w.Prefix, "drive_c", "users", user, "AppData", "Roaming", "Microsoft", "Windows", "Start Menu", "Programs", "Softphone", "Softphone.lnk")
	if _, err := os.Stat(menu); err != nil {
		t.Fatalf("Start-menu entry: %v", err)
	}
	for _, scheme := range []string{"sip", "sips", "tel", "callto"} {
		out, err := w.Command(ctx, nil, "reg", "query", `HKCU\Software\Classes\`+scheme+`\shell\open\command`).CombinedOutput()
		if err != nil || !strings.Contains(strings.ToLower(string(out)), `softphone\softphone.exe" "%1"`) {
			t.Fatalf("%s: handler %v\n%s", scheme, err, out)
		}
	}
	out, err := w.Command(ctx, nil, filepath.Join(inst, "softphone-cli.exe"), "help").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "usage: softphone") {
		t.Fatalf("the installed CLI: %v\n%s", err, out)
	}

	// The uninstaller runs from a copy of itself, which holds the output
	// pipe after the first has exited (exec.ErrWaitDelay): wait for the
	// copy's work below instead.
	if out, err := w.Command(ctx, nil, filepath.Join(inst, "uninstall.exe"), "/S").CombinedOutput(); err != nil && !errors.Is(err, exec.ErrWaitDelay) {
		t.Fatalf("uninstall: %v\n%s", err, out)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, errDir := os.Stat(inst)
		_, errMenu := os.Stat(menu)
		if os.IsNotExist(errDir) && os.IsNotExist(errMenu) {
			break
		}
		if time.Now().After(deadline) {
			entries, _ := os.ReadDir(inst)
			t.Fatalf("after uninstall: %v left in %s (menu: %v)", entries, inst, errMenu)
		}
		time.Sleep(200 * time.Millisecond)
	}
	for _, key := range []string{`HKCU\Software\Classes\sip`, `HKCU\Software\Classes\callto`, `HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\Softphone`} {
		if out, err := w.Command(ctx, nil, "reg", "query", key).CombinedOutput(); err == nil {
			t.Fatalf("after uninstall %s is still there:\n%s", key, out)
		}
	}
}
