package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/internal/testlab"
)

func writeFile(t testing.TB, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func accountTOML(k *testlab.Kamailio, name, user, password, transport, proxy, ca string) string {
	s := fmt.Sprintf("\n[[account]]\nname = %q\nusername = %q\npassword = %q\ndomain = %q\nproxy = %q\ntransport = %q\n",
		name, user, password, k.Domain, proxy, transport)
	if ca != "" {
		s += fmt.Sprintf("ca_file = %q\n", ca)
	}
	return s
}

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code = run(ctx, args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestRegisterOnceOverEachTransport(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{TLS: true})
	cfg := writeFile(t, "[sip]\nlisten = \"127.0.0.1:0\"\n"+
		accountTOML(k, "alice-udp", "alice", "alice-secret", "udp", k.UDPAddr, "")+
		accountTOML(k, "bob-tcp", "bob", "bob-secret", "tcp", k.TCPAddr, "")+
		accountTOML(k, "carol-tls", "carol", "carol-secret", "tls", k.TLSAddr, k.CAFile))

	code, stdout, stderr := runCLI(t, "register", "--config", cfg, "--once", "--json")
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s\n%s", code, stdout, stderr, k.Log())
	}
	registered := map[string]bool{}
	unregistered := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(stdout))
	for sc.Scan() {
		var e struct {
			Event, Account, State string
			Expires               int
		}
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("not a JSON line: %q: %v", sc.Text(), err)
		}
		if e.Event == "registration" && e.State == "registered" && e.Expires > 0 {
			registered[e.Account] = true
		}
		if e.Event == "registration" && e.State == "unregistered" {
			unregistered[e.Account] = true
		}
	}
	for _, a := range []string{"alice-udp", "bob-tcp", "carol-tls"} {
		if !registered[a] || !unregistered[a] {
			t.Fatalf("%s: registered=%v unregistered=%v\n%s", a, registered[a], unregistered[a], stdout)
		}
	}
	for _, u := range []string{"alice", "bob", "carol"} {
		if c, err := k.Contacts(u); err != nil || len(c) != 0 {
			t.Fatalf("%s left contacts %q (%v)", u, c, err)
		}
	}
}

func TestRegisterOnceOneAccountWrongPassword(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	cfg := writeFile(t, accountTOML(k, "alice", "alice", "alice-secret", "udp", k.UDPAddr, "")+
		accountTOML(k, "mallory", "bob", "guess", "udp", k.UDPAddr, ""))

	code, stdout, stderr := runCLI(t, "register", "--config", cfg, "--account", "mallory", "--once")
	if code != exitFailed {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, exitFailed, stdout, stderr)
	}
	want := "softphone: mallory: 401 Unauthorized: wrong username or password"
	if !strings.Contains(stderr, want) {
		t.Fatalf("stderr %q lacks %q", stderr, want)
	}
	if strings.Contains(stdout+stderr, "guess") {
		t.Fatal("the password was printed")
	}
	if strings.Contains(stdout, "alice") {
		t.Fatalf("--account mallory also registered alice:\n%s", stdout)
	}
}

func TestRegisterReportsABadConfigFile(t *testing.T) {
	cfg := writeFile(t, "[[account]]\nname = \"a\"\nusername = \"alice\"\ndomain = \"example.com\"\ntransport = \"sctp\"\n")
	code, _, stderr := runCLI(t, "register", "--config", cfg, "--once")
	if code != exitUsage {
		t.Fatalf("exit %d, want %d", code, exitUsage)
	}
	if !strings.Contains(stderr, "config.toml:5: account[1].transport") {
		t.Fatalf("stderr %q does not name file, line and field", stderr)
	}
}

func TestUnknownAccountAndCommand(t *testing.T) {
	cfg := writeFile(t, "[[account]]\nname = \"a\"\nusername = \"alice\"\ndomain = \"example.com\"\n")
	if code, _, stderr := runCLI(t, "register", "--config", cfg, "--account", "zed"); code != exitUsage || !strings.Contains(stderr, `unknown account "zed"`) {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if code, _, _ := runCLI(t, "frobnicate"); code != exitUsage {
		t.Fatalf("unknown command: exit %d", code)
	}
}
