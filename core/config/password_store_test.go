package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPasswordStoreKeyringParses(t *testing.T) {
	cfg := mustParse(t, acct+"password_store = \"keyring\"\n")
	a := cfg.Accounts[0]
	if a.PasswordStore != PasswordInKeyring || a.Password != "" {
		t.Fatalf("account %#v", a)
	}
	if cfg := mustParse(t, acct+"password = \"x\"\n"); cfg.Accounts[0].PasswordStore != "" {
		t.Fatalf("default password_store = %q", cfg.Accounts[0].PasswordStore)
	}
}

func TestPasswordStoreErrors(t *testing.T) {
	checkErrors(t, parseErrors(t, acct+"password_store = \"vault\"\n"),
		want{5, "account[1].password_store", `must be "keyring" or absent (got "vault")`})
	checkErrors(t, parseErrors(t, acct+"password_store = 1\n"),
		want{5, "account[1].password_store", "must be a string"})
	// A password left in the file beside password_store = "keyring" is
	// ambiguous; the message must not echo it.
	errs := parseErrors(t, acct+"password = \""+marker+"\"\npassword_store = \"keyring\"\n")
	checkErrors(t, errs, want{5, "account[1].password", "must be absent when password_store"})
	assertNoSecret(t, "error", errs.Error())
	if msgs := CheckAccount(Account{Name: "a", Username: "a", Domain: "example.com", PasswordStore: "vault"}, nil); msgs["password_store"] == "" {
		t.Fatalf("CheckAccount accepted password_store = vault: %v", msgs)
	}
	if msgs := CheckAccount(Account{Name: "a", Username: "a", Domain: "example.com", Password: "p", PasswordStore: PasswordInKeyring, Expires: 600}, nil); len(msgs) != 0 {
		t.Fatalf("CheckAccount refused a keyring account holding its password in memory: %v", msgs)
	}
}

// TestPasswordStoreSaveKeepsPasswordOutOfTheFile saves a keyring account
// holding its password (as the phone keeps it in memory): the file gets
// password_store and no password, and an existing password line goes.
func TestPasswordStoreSaveKeepsPasswordOutOfTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.toml")
	text := "# mine\n" + acct + "password = \"old-" + marker + "\" # was here\n"
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Accounts[0].Password = "new-" + marker
	cfg.Accounts[0].PasswordStore = PasswordInKeyring
	if err := cfg.Save(); err != nil {
		t.Fatal(err)
	}
	if cfg.Accounts[0].Password != "new-"+marker {
		t.Errorf("Save dropped the in-memory password")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	assertNoSecret(t, "file", string(b))
	if !strings.Contains(string(b), `password_store = "keyring"`) || !strings.HasPrefix(string(b), "# mine\n") {
		t.Errorf("file:\n%s", b)
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if a := got.Accounts[0]; a.PasswordStore != PasswordInKeyring || a.Password != "" {
		t.Errorf("reloaded %#v", a)
	}
	// Saving again (same content) changes nothing; back to the file puts
	// the password there.
	if err := cfg.Save(); err != nil {
		t.Fatal(err)
	}
	if b2, _ := os.ReadFile(path); string(b2) != string(b) {
		t.Errorf("second save changed the file:\n%s", b2)
	}
	cfg.Accounts[0].PasswordStore = ""
	if err := cfg.Save(); err != nil {
		t.Fatal(err)
	}
	got, err = Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if a := got.Accounts[0]; a.PasswordStore != "" || a.Password != "new-"+marker {
		t.Errorf("back in the file: reloaded %#v", a)
	}
	checkPerm(t, path, 0o600)
}

// TestPasswordStoreKeepsTURNPasswordOutOfTheFile: a keyring account's
// TURN password goes with its SIP password, out of the file.
func TestPasswordStoreKeepsTURNPasswordOutOfTheFile(t *testing.T) {
	path := writeFile(t, t.TempDir(), acct+"turn_server = \"turn.example.com\"\nturn_username = \"u\"\nturn_password = \"old-"+marker+"\"\n")
	cfg := mustLoad(t, path)
	cfg.Accounts[0].Password = "sip-pw"
	cfg.Accounts[0].TURNPassword = "new-" + marker
	cfg.Accounts[0].PasswordStore = PasswordInKeyring
	if err := cfg.Save(); err != nil {
		t.Fatal(err)
	}
	if cfg.Accounts[0].TURNPassword != "new-"+marker {
		t.Errorf("Save dropped the in-memory TURN password")
	}
	text := readString(t, path)
	assertNoSecret(t, "file", text)
	if strings.Contains(text, "turn_password") || !strings.Contains(text, `turn_username = "u"`) {
		t.Errorf("file:\n%s", text)
	}
	if a := mustLoad(t, path).Accounts[0]; a.TURNPassword != "" || a.TURNUsername != "u" || a.PasswordStore != PasswordInKeyring {
		t.Errorf("reloaded %#v", a)
	}
	// Back to the file: both passwords are written.
	cfg.Accounts[0].PasswordStore = ""
	if err := cfg.Save(); err != nil {
		t.Fatal(err)
	}
	if a := mustLoad(t, path).Accounts[0]; a.TURNPassword != "new-"+marker || a.Password != "sip-pw" {
		t.Errorf("back in the file: reloaded %#v", a)
	}
}
