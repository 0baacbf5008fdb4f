package testlab

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPresenceKamailioStarts(t *testing.T) {
	k := StartPresenceKamailio(t, KamailioOptions{Users: append(append([]User(nil), DefaultUsers...), User{"vm", "vm-secret"})})
	if !k.Running() {
		t.Fatal("not running")
	}
	aw, err := os.ReadFile(filepath.Join(k.Dir, "db", "active_watchers"))
	if err != nil || !strings.Contains(string(aw), "flags(int,null)") {
		t.Fatalf("active_watchers: %v\n%s", err, aw)
	}
	for _, m := range []string{"presence_dialoginfo", "presence_mwi", "pua_dialoginfo"} {
		if out, err := k.RPC("core.modules"); err != nil || !strings.Contains(out, m) {
			t.Fatalf("module %s not loaded: %v\n%s", m, err, out)
		}
	}
}
