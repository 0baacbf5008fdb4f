package testlab

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Kamailio with the presence modules (Debian kamailio-presence-modules):
// the registrar of StartKamailio plus a presence server answering
// SUBSCRIBE and PUBLISH for its users (dialog, message-summary, presence)
// and publishing the dialog state of the calls it proxies (BLF).

// presenceModulesPkg is the Debian package of the presence modules.
const presenceModulesPkg = "kamailio-presence-modules"

// kamailioModuleDirs are where Debian installs Kamailio's modules.
var kamailioModuleDirs = []string{"/usr/lib/x86_64-linux-gnu/kamailio/modules", "/usr/lib/aarch64-linux-gnu/kamailio/modules", "/usr/lib/kamailio/modules"}

// dbtextSources are where Debian installs the db_text table templates.
var dbtextSources = []string{"/usr/share/kamailio/dbtext/kamailio"}

// presenceTables are the db_text tables the presence modules use.
var presenceTables = []string{"presentity", "active_watchers", "watchers", "xcap", "pua"}

// RequirePresenceModules fails (CI=true) or skips the test when Kamailio's
// presence modules are not installed.
func RequirePresenceModules(t testing.TB) {
	t.Helper()
	for _, dir := range kamailioModuleDirs {
		if fileExists(filepath.Join(dir, "presence_dialoginfo.so")) && fileExists(filepath.Join(dir, "pua_dialoginfo.so")) {
			return
		}
	}
	msg := "Kamailio presence modules not found; install with: apt-get install " + presenceModulesPkg
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// presenceCfgData is what presence.cfg.tmpl is rendered with.
type presenceCfgData struct {
	cfgData
	DBDir string
}

// StartPresenceKamailio starts a Kamailio with the presence server (see
// testdata/kamailio/presence.cfg.tmpl). Options are those of
// StartKamailio (TLS aside). Give a voicemail identity as an extra user
// to publish message summaries for others: PUBLISH is authenticated
// without requiring the From user to be the presentity.
func StartPresenceKamailio(t testing.TB, opts KamailioOptions) *Kamailio {
	t.Helper()
	Require(t, "kamailio", "kamailio")
	Require(t, "kamcmd", "kamailio")
	RequirePresenceModules(t)
	if opts.TLS {
		t.Fatal("testlab: the presence Kamailio has no TLS listener")
	}
	k := &Kamailio{t: t, Domain: "127.0.0.1", Dir: t.TempDir()}
	k.bin, _ = lookBin("kamailio")
	k.kamcmd, _ = lookBin("kamcmd")
	data, err := k.prepare(opts)
	if err != nil {
		t.Fatalf("testlab: kamailio setup: %v", err)
	}
	pd := presenceCfgData{cfgData: *data, DBDir: filepath.Join(k.Dir, "db")}
	if err := writeDBText(pd.DBDir); err != nil {
		t.Fatalf("testlab: presence tables: %v", err)
	}
	tmplDir, err := kamailioTemplateDir()
	if err != nil {
		t.Fatalf("testlab: %v", err)
	}
	if err := renderTemplate(filepath.Join(tmplDir, "presence.cfg.tmpl"), k.CfgFile, pd); err != nil {
		t.Fatalf("testlab: %v", err)
	}
	if out, err := exec.Command(k.bin, "-c", "-f", k.CfgFile, "-Y", k.runDir).CombinedOutput(); err != nil {
		t.Fatalf("testlab: kamailio -c -f %s: %v\n%s", k.CfgFile, err, out)
	}
	t.Cleanup(func() {
		if err := k.Stop(); err != nil {
			t.Errorf("testlab: stop kamailio: %v", err)
		}
		if t.Failed() {
			t.Logf("testlab: kamailio log:\n%s", tail(k.Log(), 8000))
		}
	})
	if err := k.Start(); err != nil {
		t.Fatalf("start kamailio: %v", err)
	}
	return k
}

// writeDBText copies Debian's db_text templates of the presence tables
// (and their versions) into dir. active_watchers.flags becomes nullable:
// the presence module inserts rows without it, which db_text refuses.
func writeDBText(dir string) error {
	src := ""
	for _, d := range dbtextSources {
		if fileExists(filepath.Join(d, "version")) {
			src = d
			break
		}
	}
	if src == "" {
		return fmt.Errorf("db_text templates not found in %v (package kamailio)", dbtextSources)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	want := map[string]bool{}
	for _, name := range presenceTables {
		want[name] = true
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			return err
		}
		text := string(b)
		if name == "active_watchers" {
			text = strings.Replace(text, "flags(int) ", "flags(int,null) ", 1)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			return err
		}
	}
	b, err := os.ReadFile(filepath.Join(src, "version"))
	if err != nil {
		return err
	}
	lines := strings.SplitAfter(string(b), "\n")
	var out strings.Builder
	out.WriteString(lines[0]) // the header
	for _, l := range lines[1:] {
		parts := strings.Split(strings.TrimSpace(l), ":")
		if len(parts) == 3 && want[parts[1]] {
			out.WriteString(l)
		}
	}
	return os.WriteFile(filepath.Join(dir, "version"), []byte(out.String()), 0o600)
}
