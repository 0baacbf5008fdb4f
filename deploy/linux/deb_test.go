package linux

import (
	"context"
	"debug/elf"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/internal/testlab"
)

// debFiles are the files the package installs, with their modes.
var debFiles = map[string]fs.FileMode{
	"usr/bin/softphone":                                   0o755,
	"usr/share/applications/softphone.desktop":            0o644,
	"usr/share/icons/hicolor/scalable/apps/softphone.svg": 0o644,
	"usr/share/man/man1/softphone.1.gz":                   0o644,
	"usr/share/doc/softphone/copyright":                   0o644,
	"usr/share/doc/softphone/changelog.gz":                0o644,
}

// cmdRun runs name in dir with env and returns its output; a failure
// fails the test.
func cmdRun(t *testing.T, timeout time.Duration, dir string, env []string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// buildDeb runs `make deb` into a temporary directory and returns the
// package. The real environment is kept: the Go build cache is in it.
func buildDeb(t *testing.T, root string) string {
	t.Helper()
	dir := t.TempDir()
	t.Logf("make deb:\n%s", cmdRun(t, 15*time.Minute, root, os.Environ(), "make", "--no-print-directory", "deb", "DEB_DIR="+dir))
	arch := cmdRun(t, time.Minute, root, os.Environ(), "dpkg", "--print-architecture")
	debs, _ := filepath.Glob(filepath.Join(dir, "softphone_*_"+arch+".deb"))
	if len(debs) != 1 {
		t.Fatalf("make deb made %q in %s, want one softphone_<version>_%s.deb", debs, dir, arch)
	}
	return debs[0]
}

func TestDebInstallsAndRegistersLinkHandlers(t *testing.T) {
	for bin, pkg := range map[string]string{
		"make": "make", "dpkg-deb": "dpkg", "dpkg-shlibdeps": "dpkg-dev", "dpkg-architecture": "dpkg-dev",
		"lintian": "lintian", "xdg-mime": "xdg-utils", "desktop-file-validate": "desktop-file-utils",
		"update-desktop-database": "desktop-file-utils",
	} {
		testlab.Require(t, bin, pkg)
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	deb := buildDeb(t, root)
	host := os.Environ()

	// The archive: root's files only, with the modes above.
	var listed []string
	for _, line := range strings.Split(cmdRun(t, time.Minute, root, host, "dpkg-deb", "--contents", deb), "\n") {
		f := strings.Fields(line)
		if len(f) != 6 || f[1] != "root/root" {
			t.Errorf("archive entry %q: want root/root", line)
			continue
		}
		p := strings.TrimPrefix(f[5], "./")
		if strings.HasPrefix(f[0], "d") {
			if f[0] != "drwxr-xr-x" {
				t.Errorf("archive directory %s is %s", p, f[0])
			}
			continue
		}
		listed = append(listed, p)
		if want, ok := debFiles[p]; !ok {
			t.Errorf("archive holds %s, which is not one of the package's files", p)
		} else if f[0] != "-"+want.String()[1:] {
			t.Errorf("archive file %s is %s, want %v", p, f[0], want)
		}
	}
	if len(listed) != len(debFiles) {
		t.Errorf("archive files %q, want %d", listed, len(debFiles))
	}

	field := func(name string) string {
		return cmdRun(t, time.Minute, root, host, "dpkg-deb", "--field", deb, name)
	}
	depends := field("Depends")
	t.Logf("Depends: %s", depends)
	checkDependsCoverLinkedLibraries(t, deb, depends)
	if got := field("Section") + " " + field("Priority"); got != "comm optional" {
		t.Errorf("Section and Priority: %q", got)
	}
	// lintian: no error and no warning (hardening, copyright...).
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	lint, err := exec.CommandContext(ctx, "lintian", "--fail-on", "error,warning", deb).CombinedOutput()
	t.Logf("lintian:\n%s", lint)
	if err != nil {
		t.Errorf("lintian: %v", err)
	}

	inst := newInstDir(t, depends)
	inst.dpkg("--install", deb)
	for p, mode := range debFiles {
		if fi, err := os.Lstat(filepath.Join(inst.root, p)); err != nil {
			t.Errorf("installed: %v", err)
		} else if fi.Mode() != mode {
			t.Errorf("installed %s has mode %v, want %v", p, fi.Mode(), mode)
		}
	}
	entry := filepath.Join(inst.root, "usr", "share", "applications", "softphone.desktop")
	cmdRun(t, time.Minute, root, host, "desktop-file-validate", entry)
	if got := string(mustRead(t, entry)); !strings.Contains(got, "\nExec=/usr/bin/softphone %u\n") {
		t.Errorf("installed desktop entry does not run /usr/bin/softphone %%u:\n%s", got)
	}
	// The postinst refreshed the desktop database of the instdir, not the
	// running system's ($DPKG_ROOT).
	cache := filepath.Join(inst.root, "usr", "share", "applications", "mimeinfo.cache")
	for _, s := range schemes {
		if got := string(mustRead(t, cache)); !strings.Contains(got, "\nx-scheme-handler/"+s+"=softphone.desktop;\n") {
			t.Errorf("%s has no x-scheme-handler/%s=softphone.desktop:\n%s", cache, s, got)
		}
	}
	for _, s := range schemes {
		if got := inst.defaultFor(s); got != "softphone.desktop" {
			t.Errorf("xdg-mime query default x-scheme-handler/%s = %q, want softphone.desktop", s, got)
		}
	}
	if out := cmdRun(t, time.Minute, root, host, filepath.Join(inst.root, "usr", "bin", "softphone"), "--help"); !strings.HasPrefix(out, "usage: softphone") {
		t.Errorf("installed softphone --help printed:\n%s", out)
	}

	inst.dpkg("--remove", "softphone")
	if _, err := os.Stat(cache); !os.IsNotExist(err) {
		t.Errorf("after dpkg --remove, %s is still there (%v): the postrm leaves it empty", cache, err)
	}
	for _, s := range schemes {
		if got := inst.defaultFor(s); got != "" {
			t.Errorf("after dpkg --remove, x-scheme-handler/%s = %q, want none", s, got)
		}
	}
	inst.dpkg("--purge", "softphone")
	// Nothing is left outside dpkg's own database, not even a directory.
	admin := filepath.Join(inst.root, "var", "lib", "dpkg")
	filepath.WalkDir(inst.root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == inst.root || strings.HasPrefix(admin, p+string(filepath.Separator)) {
			return nil
		}
		if p == admin {
			return fs.SkipDir
		}
		t.Errorf("left behind: %s", p)
		return nil
	})
}

// checkDependsCoverLinkedLibraries checks Depends against the binary
// without dpkg-shlibdeps: each library it links (ELF DT_NEEDED) is in a
// package Depends names, and each package named (the sound libraries
// opened at run time aside) holds one of them.
func checkDependsCoverLinkedLibraries(t *testing.T, deb, depends string) {
	t.Helper()
	x := t.TempDir()
	cmdRun(t, time.Minute, x, os.Environ(), "dpkg-deb", "--extract", deb, x)
	f, err := elf.Open(filepath.Join(x, "usr", "bin", "softphone"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	needed, err := f.ImportedLibraries()
	if err != nil || len(needed) == 0 {
		t.Fatalf("linked libraries: %q, %v", needed, err)
	}
	multiarch := cmdRun(t, time.Minute, x, os.Environ(), "dpkg-architecture", "-qDEB_HOST_MULTIARCH")
	named := map[string]bool{}
	for _, d := range strings.Split(depends, ",") {
		if alts := strings.Split(d, "|"); len(alts) == 1 {
			named[strings.Fields(d)[0]] = true
		}
	}
	holders := map[string]bool{}
	for _, lib := range needed {
		var owners []string
		for _, line := range strings.Split(cmdRun(t, time.Minute, x, os.Environ(), "dpkg", "--search", "*/"+lib), "\n") {
			pkg, path, ok := strings.Cut(line, ": ")
			if ok && strings.Contains(path, "/"+multiarch+"/") {
				pkg, _, _ = strings.Cut(pkg, ":")
				owners = append(owners, pkg)
			}
		}
		if !slices.ContainsFunc(owners, func(p string) bool { return named[p] }) {
			t.Errorf("%s (held by %q) is not in Depends", lib, owners)
		}
		for _, p := range owners {
			holders[p] = true
		}
	}
	for p := range named {
		if !holders[p] {
			t.Errorf("Depends names %s, which holds none of the libraries the binary links %q", p, needed)
		}
	}
}

// instDir is a dpkg installation root in a temporary directory, with its
// own database. Its status file holds this machine's own entries for the
// packages Depends names, so dpkg checks the computed versions against
// what is really installed instead of being told to ignore them
// (--force-depends).
type instDir struct {
	t                    *testing.T
	root, admin          string
	home, config, dataHm string
}

func newInstDir(t *testing.T, depends string) *instDir {
	tmp := t.TempDir()
	d := &instDir{t: t, root: filepath.Join(tmp, "root"), home: filepath.Join(tmp, "home"),
		config: filepath.Join(tmp, "home", ".config"), dataHm: filepath.Join(tmp, "home", ".local", "share")}
	d.admin = filepath.Join(d.root, "var", "lib", "dpkg")
	for _, dir := range []string{"info", "updates", "triggers"} {
		if err := os.MkdirAll(filepath.Join(d.admin, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var pkgs []string
	for _, d := range strings.FieldsFunc(depends, func(r rune) bool { return r == ',' || r == '|' }) {
		pkgs = append(pkgs, strings.Fields(d)[0])
	}
	// dpkg-query exits 1 when one alternative is not installed; what it
	// prints of the others is what is wanted.
	status, _ := exec.Command("dpkg-query", append([]string{"--status"}, pkgs...)...).Output()
	files := map[string][]byte{"status": status, "available": nil}
	// An empty file list for each: their files are not in the instdir.
	for _, stanza := range strings.Split(string(status), "\n\n") {
		f := map[string]string{}
		for _, line := range strings.Split(stanza, "\n") {
			if k, v, ok := strings.Cut(line, ": "); ok {
				f[k] = v
			}
		}
		if name := f["Package"]; name != "" {
			if f["Multi-Arch"] == "same" {
				name += ":" + f["Architecture"]
			}
			files[filepath.Join("info", name+".list")] = nil
		}
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(d.admin, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

// dpkg runs dpkg on the instdir. The maintainer scripts run outside a
// chroot (the instdir has no shell) and act on $DPKG_ROOT; sbin is on
// PATH because dpkg looks there for ldconfig and start-stop-daemon.
func (d *instDir) dpkg(args ...string) {
	d.t.Helper()
	env := []string{"PATH=" + os.Getenv("PATH") + ":/usr/sbin:/sbin", "LC_ALL=C", "HOME=" + d.home}
	args = append([]string{"--instdir=" + d.root, "--admindir=" + d.admin, "--force-script-chrootless", "--force-not-root"}, args...)
	d.t.Logf("dpkg %s:\n%s", strings.Join(args, " "), cmdRun(d.t, 2*time.Minute, d.root, env, "dpkg", args...))
}

// defaultFor asks xdg-mime for the handler of a scheme as a user who has
// chosen none and whose only system data directory is the instdir's.
func (d *instDir) defaultFor(scheme string) string {
	d.t.Helper()
	env := []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + d.home, "LC_ALL=C",
		"XDG_CONFIG_HOME=" + d.config, "XDG_DATA_HOME=" + d.dataHm,
		"XDG_DATA_DIRS=" + filepath.Join(d.root, "usr", "share"),
		"XDG_CONFIG_DIRS=" + filepath.Join(d.home, "xdg"),
	}
	return cmdRun(d.t, time.Minute, d.root, env, "xdg-mime", "query", "default", "x-scheme-handler/"+scheme)
}

// TestDebVersion runs deb.sh's versioning on a throwaway repository: a
// release tag, commits after it, pre-release and odd tag names, no tag.
func TestDebVersion(t *testing.T) {
	testlab.Require(t, "git", "git")
	testlab.Require(t, "dpkg", "dpkg")
	script, err := filepath.Abs("deb.sh")
	if err != nil {
		t.Fatal(err)
	}
	repo := t.TempDir()
	env := []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + repo, "LC_ALL=C", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.org", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.org",
		"GIT_AUTHOR_DATE=2026-03-04T23:30:00+0000", "GIT_COMMITTER_DATE=2026-03-04T23:30:00+0000",
	}
	git := func(args ...string) string { return cmdRun(t, time.Minute, repo, env, "git", args...) }
	commit := func() string {
		git("commit", "-q", "--allow-empty", "-m", "c")
		return git("rev-parse", "--short=7", "HEAD")
	}
	version := func(extra ...string) string {
		v := cmdRun(t, time.Minute, repo, append(slices.Clone(env), extra...), script, "version")
		cmdRun(t, time.Minute, repo, env, "dpkg", "--validate-version", v)
		return v
	}
	git("init", "-q")
	h := commit()
	if got, want := version(), "0.0~git20260304."+h; got != want {
		t.Errorf("no tag: version %q, want %q", got, want)
	}
	// Each tag on a commit of its own, so that describe has one answer.
	for _, c := range []struct {
		tag, want string
	}{
		{"v1.2.3", "1.2.3"},
		{"v2.0-rc1", "2.0~rc1"},
		{"release_3", "0~release.3"},
	} {
		commit()
		git("tag", c.tag)
		if got := version(); got != c.want {
			t.Errorf("on tag %q: version %q, want %q", c.tag, got, c.want)
		}
		h = commit()
		if got, want := version(), c.want+"+git20260304."+h; got != want {
			t.Errorf("a commit after tag %q: version %q, want %q", c.tag, got, want)
		}
	}
	if got := version("DEB_VERSION=9.9"); got != "9.9" {
		t.Errorf("DEB_VERSION=9.9: version %q", got)
	}
	// A pre-release sorts before its release.
	cmdRun(t, time.Minute, repo, env, "dpkg", "--compare-versions", "2.0~rc1", "lt", "2.0")
}
