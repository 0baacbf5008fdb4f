package testlab

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// The Windows build, run under Debian's Wine 8.0 for tests. Wine 8.0 lacks
// things real Windows has, and the tests work around them without
// touching what is shipped:
//   - the Go runtime takes random bytes from ProcessPrng in
//     bcryptprimitives.dll, which Wine 8.0 does not have: a stand-in DLL
//     (testdata/wine/bcryptprimitives.c) goes into the test prefix only;
//   - Go's net fails every UDP socket on Wine's unsupported
//     SIO_UDP_NETRESET ioctl, and os.Remove on its unimplemented POSIX
//     delete: the test builds get copies of those two files through
//     -overlay that let the two errors pass (netOverlay);
//   - Gio's window gives up on Wine's stubbed touch and pointer calls:
//     the test builds use a copy of Gio that goes on (wine_gio.go);
//   - a window opened while wineboot's displayless desktop lingers is
//     refused: StartWine waits for that desktop to go (wine_desktop.go).

// Wine is a private 64-bit Wine prefix made for one test.
type Wine struct {
	Prefix string
	env    []string
}

const wineInitTimeout = 2 * time.Minute

// StartWine makes a fresh prefix in a temporary directory with the test
// stand-in for bcryptprimitives.dll (built from repo's testdata). Display:
// none unless the caller's env passes DISPLAY to Command.
func StartWine(t testing.TB, repo string) *Wine {
	t.Helper()
	Require(t, "wine", "wine wine64")
	Require(t, "x86_64-w64-mingw32-gcc", "gcc-mingw-w64-x86-64")
	if err := startAllowed(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), wineInitTimeout)
	defer cancel()
	w, err := NewWine(ctx, filepath.Join(t.TempDir(), "prefix"), repo)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Close)
	return w
}

// NewWine makes a private 64-bit prefix at dir (which must not hold
// one yet) with the stand-in for bcryptprimitives.dll, outside a test:
// the caller ends it with Close.
func NewWine(ctx context.Context, dir, repo string) (*Wine, error) {
	w := &Wine{Prefix: dir}
	w.env = append(os.Environ(),
		"WINEPREFIX="+w.Prefix, "WINEARCH=win64", "WINEDEBUG=-all",
		// No Mono or Gecko prompts; our DLL before Wine's own.
		"WINEDLLOVERRIDES=mscoree,mshtml=;bcryptprimitives=n,b",
		"DISPLAY=", "WAYLAND_DISPLAY=")
	// One wineserver for the prefix's life, started with no pipes of
	// ours: one started by a program would inherit that program's output
	// and outlive it, and whoever reads the output would wait for it.
	if err := os.MkdirAll(w.Prefix, 0o700); err != nil {
		return nil, err
	}
	server := exec.CommandContext(ctx, "wineserver", "-p")
	server.Env = w.env
	if err := server.Run(); err != nil {
		return nil, fmt.Errorf("testlab: wineserver: %w", err)
	}
	if out, err := w.run(ctx, "wineboot", "--init"); err != nil {
		w.Close()
		return nil, fmt.Errorf("testlab: wineboot: %w\n%s", err, tail(out, 2000))
	}
	dll := filepath.Join(w.Prefix, "drive_c", "windows", "system32", "bcryptprimitives.dll")
	src := filepath.Join(repo, "testdata", "wine")
	cmd := exec.CommandContext(ctx, "x86_64-w64-mingw32-gcc", "-shared", "-O2", "-o", dll,
		filepath.Join(src, "bcryptprimitives.c"), filepath.Join(src, "bcryptprimitives.def"), "-lbcrypt")
	if out, err := cmd.CombinedOutput(); err != nil {
		w.Close()
		return nil, fmt.Errorf("testlab: the ProcessPrng stand-in: %w\n%s", err, out)
	}
	// A window opened while wineboot's displayless desktop still runs is
	// refused: wait for that desktop to go (waitBootDesktop).
	if _, err := waitBootDesktop(ctx, w.Prefix); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

// Close ends the prefix's wineserver (it lingers a few seconds after its
// last program), so that the directory can go.
func (w *Wine) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, _ = w.run(ctx, "wineserver", "-k")
}

func (w *Wine) run(ctx context.Context, name string, args ...string) (string, error) {
	// Output to a file, not a pipe: wineboot leaves Wine's own services
	// running with its output, and a pipe would never be done.
	f, err := os.CreateTemp("", "wine-*.log")
	if err != nil {
		return "", err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env, cmd.Stdout, cmd.Stderr = w.env, f, f
	err = cmd.Run()
	out, _ := os.ReadFile(f.Name())
	return string(out), err
}

// Command runs exe (a Windows program) with args in the prefix; env is
// added to the prefix's environment (DISPLAY=:N for a window).
func (w *Wine) Command(ctx context.Context, env []string, exe string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "wine", append([]string{exe}, args...)...)
	cmd.Env = append(append([]string(nil), w.env...), env...)
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// User is the Windows user name programs in the prefix run as (Wine
// takes the Unix user's).
func (w *Wine) User(t testing.TB) string {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join(w.Prefix, "drive_c", "users"))
	if err != nil {
		t.Fatalf("testlab: wine users: %v", err)
	}
	for _, e := range ents {
		if e.IsDir() && e.Name() != "Public" {
			return e.Name()
		}
	}
	t.Fatalf("testlab: no user in %s", w.Prefix)
	return ""
}

// WindowsPath is path on the Linux side as a Windows program in the
// prefix names it (Wine maps Z: to /).
func WindowsPath(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	return "Z:" + strings.ReplaceAll(abs, "/", `\`)
}

// winBuild is one cross-build of the program per test process: it is
// slow (cgo, mingw) and the same for every test.
var winBuild struct {
	once sync.Once
	dir  string
	err  error
}

// BuildWindows cross-builds ./cmd/softphone for Windows (both programs:
// softphone.exe, the window, and softphone-cli.exe) the way `make
// windows` does, plus the test-only net overlay, and returns the
// directory holding them. libopus for mingw is built once into repo's
// build/windows (deploy/windows/opus.sh) and kept.
func BuildWindows(t testing.TB, repo string) string {
	t.Helper()
	Require(t, "x86_64-w64-mingw32-gcc", "gcc-mingw-w64-x86-64")
	winBuild.once.Do(func() { winBuild.dir, winBuild.err = buildWindows(repo) })
	if winBuild.err != nil {
		t.Fatalf("testlab: Windows build: %v", winBuild.err)
	}
	return winBuild.dir
}

func buildWindows(repo string) (string, error) {
	dir, err := os.MkdirTemp("", "softphone-windows-")
	if err != nil {
		return "", err
	}
	env, overlay, err := WindowsToolchain(repo, dir)
	if err != nil {
		return "", err
	}
	for _, b := range []struct{ out, tags, ldflags string }{
		{"softphone.exe", "nolibopusfile", "-H windowsgui"},
		{"softphone-cli.exe", "nolibopusfile,nogui", ""},
	} {
		cmd := exec.Command("go", "build", "-overlay", overlay, "-tags", b.tags, "-ldflags", b.ldflags,
			"-o", filepath.Join(dir, b.out), "./cmd/softphone")
		cmd.Dir, cmd.Env = repo, env
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("go build %s: %v\n%s", b.out, err, out)
		}
	}
	return dir, nil
}

// WindowsToolchain is how tests cross-build for Windows: the
// environment of `go build` and `go test -c` (mingw, the libopus of
// `make windows`), and the -overlay file that lets the build run under
// Wine 8.0 (in dir; the environment's GOFLAGS take the relaxed Gio,
// gioWineFlags).
func WindowsToolchain(repo, dir string) ([]string, string, error) {
	opus := filepath.Join(repo, "build", "windows", "opus")
	if out, err := exec.Command(filepath.Join(repo, "deploy", "windows", "opus.sh"), opus).CombinedOutput(); err != nil {
		return nil, "", fmt.Errorf("opus.sh: %v\n%s", err, out)
	}
	overlay, err := netOverlay(dir)
	if err != nil {
		return nil, "", err
	}
	gioFlags, err := gioWineFlags(repo, dir)
	if err != nil {
		return nil, "", err
	}
	env := append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=1", "CC=x86_64-w64-mingw32-gcc", "CGO_CFLAGS=-w",
		"PKG_CONFIG_LIBDIR="+filepath.Join(opus, "lib", "pkgconfig"), gioFlags)
	return env, overlay, nil
}

// netOverlay writes the overlay of the test builds: copies of two files
// of the standard library with Wine 8.0's gaps let through (Windows
// itself has neither):
//   - net/fd_windows.go: Wine's WSAIoctl refuses SIO_UDP_NETRESET
//     (WSAEOPNOTSUPP), which fails every UDP socket;
//   - internal/syscall/windows/at_windows.go: Wine answers the POSIX
//     delete of os.Remove and os.RemoveAll with STATUS_NOT_IMPLEMENTED;
//     the fallback Go has for older Windows works.
func netOverlay(dir string) (string, error) {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOROOT: %w", err)
	}
	goroot := strings.TrimSpace(string(out))
	replace := map[string]string{}
	for _, p := range []struct{ file, anchor, old, new string }{
		{"net/fd_windows.go", "windows.SIO_UDP_NETRESET,",
			"if err != nil {", "if err != nil && err != syscall.Errno(10045) { // WSAEOPNOTSUPP under Wine 8.0"},
		{"internal/syscall/windows/at_windows.go", "STATUS_INVALID_INFO_CLASS,",
			"STATUS_NOT_SUPPORTED:", "STATUS_NOT_SUPPORTED, NTStatus(0xC0000002): // STATUS_NOT_IMPLEMENTED under Wine 8.0\n\t\t"},
	} {
		orig := filepath.Join(goroot, "src", filepath.FromSlash(p.file))
		b, err := os.ReadFile(orig)
		if err != nil {
			return "", err
		}
		src := string(b)
		i := strings.Index(src, p.anchor)
		j := -1
		if i >= 0 {
			j = strings.Index(src[i:], p.old)
		}
		if j < 0 {
			return "", fmt.Errorf("%s: the code testlab's Wine overlay relaxes has changed: update it", orig)
		}
		at := i + j
		src = src[:at] + p.new + src[at+len(p.old):]
		patched := filepath.Join(dir, strings.ReplaceAll(p.file, "/", "_"))
		if err := os.WriteFile(patched, []byte(src), 0o644); err != nil {
			return "", err
		}
		replace[orig] = patched
	}
	ov, _ := json.Marshal(map[string]map[string]string{"Replace": replace})
	path := filepath.Join(dir, "overlay.json")
	return path, os.WriteFile(path, ov, 0o644)
}
