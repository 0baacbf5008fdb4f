package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const cliVCF = `BEGIN:VCARD
VERSION:3.0
FN:Ada Lovelace
TEL;TYPE=CELL:+44 20 7946 0958
NOTE:engine
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:No End
BEGIN:VCARD
VERSION:4.0
FN:Alan Turing
IMPP:sip:alan@bletchley.example
X-SOFTPHONE-FAVOURITE:1
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Ada (work card)
TEL:0044 20 7946 0958
TEL;TYPE=WORK:+44 20 7946 0000
END:VCARD
`

func writeVCF(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "in.vcf")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestContactsCommandImportListExport(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := runStoreCmd(t, cmdContacts, "import", writeVCF(t, cliVCF), "--data", dir)
	if code != exitFailed || !strings.Contains(out, "imported 2 new contacts, merged 1 card into existing contacts, skipped 1 bad card") ||
		!strings.Contains(errs, "card 2 (line 7)") || !strings.Contains(errs, "no END:VCARD") {
		t.Fatalf("import: exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	code, out, _ = runStoreCmd(t, cmdContacts, "list", "--data", dir)
	if code != exitOK || !strings.Contains(out, "Ada Lovelace") || !strings.Contains(out, "mobile: +44 20 7946 0958") ||
		!strings.Contains(out, "work: +44 20 7946 0000") || !strings.Contains(out, "★ Alan Turing") {
		t.Fatalf("list: exit %d\n%s", code, out)
	}
	code, out, _ = runStoreCmd(t, cmdContacts, "list", "--json", "--search", "tur", "--data", dir)
	var alan struct {
		Name      string
		Favourite bool
		Numbers   []struct{ Label, Value string }
	}
	if code != exitOK || strings.Count(out, "\n") != 1 || json.Unmarshal([]byte(out), &alan) != nil ||
		alan.Name != "Alan Turing" || !alan.Favourite || alan.Numbers[0].Value != "sip:alan@bletchley.example" {
		t.Fatalf("list --json --search: %d\n%s", code, out)
	}
	if _, out, _ := runStoreCmd(t, cmdContacts, "list", "--favourites", "--data", dir); strings.Contains(out, "Ada") {
		t.Fatalf("--favourites:\n%s", out)
	}
	if _, out, _ := runStoreCmd(t, cmdContacts, "list", "--search", "+44 20 79", "--data", dir); !strings.Contains(out, "Ada") {
		t.Fatalf("number search:\n%s", out)
	}

	// Export to stdout and to a file, import into a new data dir: same list.
	code, vcf, _ := runStoreCmd(t, cmdContacts, "export", "--data", dir)
	if code != exitOK || strings.Count(vcf, "BEGIN:VCARD") != 2 || !strings.Contains(vcf, "VERSION:3.0") {
		t.Fatalf("export: %d\n%s", code, vcf)
	}
	file := filepath.Join(t.TempDir(), "out.vcf")
	if code, out, errs := runStoreCmd(t, cmdContacts, "export", file, "--v4", "--data", dir); code != exitOK || !strings.Contains(out, "exported 2 contacts") {
		t.Fatalf("export FILE: %d %s %s", code, out, errs)
	}
	if b, _ := os.ReadFile(file); strings.Count(string(b), "VERSION:4.0") != 2 {
		t.Fatalf("v4 file:\n%s", b)
	}
	dir2 := t.TempDir()
	if code, out, errs := runStoreCmd(t, cmdContacts, "import", file, "--data", dir2); code != exitOK || !strings.Contains(out, "imported 2 new") {
		t.Fatalf("re-import: %d %s %s", code, out, errs)
	}
	_, list1, _ := runStoreCmd(t, cmdContacts, "list", "--data", dir)
	_, list2, _ := runStoreCmd(t, cmdContacts, "list", "--data", dir2)
	if list1 != list2 {
		t.Fatalf("round trip changed the list:\n%s\n---\n%s", list1, list2)
	}
	if code, _, _ := runStoreCmd(t, cmdContacts, "import", "/nonexistent.vcf", "--data", dir); code != exitUsage {
		t.Fatalf("missing file: exit %d", code)
	}
}

func TestContactsCommandAddDeleteSpeedDial(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := runStoreCmd(t, cmdContacts, "add", "Grace Hopper", "mobile=+1 555 010 0199", "sip:grace@navy;transport=tcp", "--favourite", "--data", dir)
	if code != exitOK || !strings.HasPrefix(out, "added ") {
		t.Fatalf("add: %d %s %s", code, out, errs)
	}
	id := strings.Fields(out)[1]
	_, out, _ = runStoreCmd(t, cmdContacts, "list", "--data", dir)
	if !strings.Contains(out, "★ Grace Hopper") || !strings.Contains(out, "mobile: +1 555 010 0199") || !strings.Contains(out, "sip:grace@navy;transport=tcp") {
		t.Fatalf("list after add:\n%s", out)
	}
	if code, out, _ := runStoreCmd(t, cmdContacts, "speeddial", "2", "+1 555 010 0199", "--data", dir); code != exitOK || !strings.Contains(out, "speed dial 2") {
		t.Fatalf("set slot: %d %s", code, out)
	}
	if _, out, _ := runStoreCmd(t, cmdContacts, "speeddial", "--data", dir); !strings.Contains(out, "2  +1 555 010 0199  Grace Hopper") {
		t.Fatalf("slots:\n%q", out)
	}
	if _, out, _ := runStoreCmd(t, cmdContacts, "list", "--data", dir); !strings.Contains(out, "[speed dial 2]") {
		t.Fatalf("list does not show the slot:\n%s", out)
	}
	// 'softphone call 2' and the console's "dial 2" resolve the slot
	// through the phone's records before dialling.
	ctx := context.Background()
	cfg, err := loadOrNewConfig(filepath.Join(t.TempDir(), "config.toml"))
	if err != nil {
		t.Fatal(err)
	}
	setup := phoneSetup{cfg: cfg, log: slog.New(slog.DiscardHandler), stderr: io.Discard, records: true, data: dir}
	withRecords, err := compose(ctx, setup)
	if err != nil || withRecords.store == nil {
		t.Fatalf("compose with records: %v %v", err, withRecords.storeErr)
	}
	defer withRecords.close(ctx)
	setup.records = false
	without, err := compose(ctx, setup)
	if err != nil {
		t.Fatal(err)
	}
	defer without.close(ctx)
	for in, want := range map[string]string{"2": "+1 555 010 0199", "3": "3", "sip:bob@pbx": "sip:bob@pbx"} {
		if got, err := speedDial(ctx, withRecords.phone, in); err != nil || got != want {
			t.Errorf("speedDial(%q) = %q %v, want %q", in, got, err, want)
		}
	}
	if got, err := speedDial(ctx, without.phone, "2"); err != nil || got != "2" {
		t.Fatalf("a phone without records: %q %v, want the slot as typed", got, err)
	}
	if code, _, _ := runStoreCmd(t, cmdContacts, "speeddial", "2", "--clear", "--data", dir); code != exitOK {
		t.Fatal("clear slot")
	}
	if code, _, _ := runStoreCmd(t, cmdContacts, "speeddial", "2", "--data", dir); code != exitFailed {
		t.Fatal("an empty slot is shown as set")
	}
	if code, _, _ := runStoreCmd(t, cmdContacts, "speeddial", "0", "100", "--data", dir); code != exitUsage {
		t.Fatal("slot 0 accepted")
	}
	if code, out, _ := runStoreCmd(t, cmdContacts, "delete", id, "--data", dir); code != exitOK || !strings.Contains(out, "deleted") {
		t.Fatalf("delete: %d %s", code, out)
	}
	if _, out, _ := runStoreCmd(t, cmdContacts, "list", "--data", dir); !strings.Contains(out, "no contacts") {
		t.Fatalf("after delete:\n%s", out)
	}
	if code, _, _ := runStoreCmd(t, cmdContacts, "delete", id, "--data", dir); code != exitFailed {
		t.Fatal("deleting twice succeeded")
	}
	for _, args := range [][]string{{}, {"bogus"}, {"add", "OnlyName"}, {"delete", "x"}, {"list", "--nope"}} {
		if code, _, _ := runStoreCmd(t, cmdContacts, append(args, "--data", dir)...); code != exitUsage {
			t.Errorf("%q: exit %d, want usage", args, code)
		}
	}
}
