package accounts

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"gioui.org/io/key"

	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/gui/internal/guitest"
)

func office() config.Account {
	return config.Account{
		Name: "office", DisplayName: "Alice Martin", Username: "alice", Password: "s3cret",
		Domain: "sip.example.com", Transport: "tls", Expires: 600, Enabled: true,
	}
}

func home() config.Account {
	return config.Account{
		Name: "home", Username: "1001", Password: "pw", Domain: "pbx.lan:5070",
		Transport: "udp", Expires: 300, Enabled: true,
	}
}

func lab() config.Account {
	return config.Account{
		Name: "lab", Username: "bob", Domain: "10.0.0.2", Transport: "tcp", Expires: 3600, Enabled: false,
	}
}

// setupPhone is a phone with three accounts: office failed, home
// registered, lab disabled.
func setupPhone() *guitest.Phone {
	p := guitest.NewPhone()
	p.Cfg = config.Config{Path: "/home/alice/.config/softphone/config.toml", Accounts: []config.Account{office(), home(), lab()}}
	p.Listen = "192.168.1.23:5060"
	p.Accounts = []account.Status{
		{Account: "office", State: account.Failed, Code: 403, Reason: "403 Forbidden", RetryIn: 30 * time.Second, At: testNow.Add(-5 * time.Second)},
		{Account: "home", State: account.Registered, Code: 200, Expires: 300, At: testNow.Add(-time.Minute)},
	}
	return p
}

func TestRetryRegisters(t *testing.T) {
	p := setupPhone()
	h := newHarness(t, p)
	h.Must("Registration of office: Failed: 403 Forbidden")
	h.Must("Registration of home: Registered")
	h.Must("Registration of lab: Off")
	if _, ok := h.Find("Retry registering home"); ok {
		t.Error("a registered account has a Retry button")
	}
	h.Click("Retry registering office")
	if got := p.Commands(); !slices.Equal(got, []string{"Register office"}) {
		t.Fatalf("commands = %q, want [Register office] (and no save)", got)
	}
}

func TestNoAccount(t *testing.T) {
	p := guitest.NewPhone()
	p.Listen = "10.1.2.3:5060"
	h := newHarness(t, p)
	h.Must("No account — direct calls only")
	h.Must("sip:10.1.2.3:5060")
	h.Click("Add an account")
	h.Must("Account name")
	if h.page.ed == nil || !h.page.ed.isNew {
		t.Fatal("Add account did not open an empty editor")
	}
}

func TestBadDomainBlocksSave(t *testing.T) {
	p := setupPhone()
	h := newHarness(t, p)
	h.Click("Add an account")
	h.TypeInto("Account name", "mobile")
	h.TypeInto("Username", "carol")
	h.TypeInto("Domain", "sip:carol@example.com")
	n, ok := h.FindPrefix("Domain: ")
	if !ok {
		t.Fatal("no message under the domain field")
	}
	if !strings.Contains(n.Description, "not a SIP URI") {
		t.Errorf("domain message = %q", n.Description)
	}
	if _, ok := h.FindPrefix("Username: "); ok {
		t.Error("a valid username shows a message")
	}
	save := h.Must("Save the account")
	if !save.Disabled {
		t.Error("Save is enabled while the domain is invalid")
	}
	h.Click("Save the account")
	h.Router.Queue()
	if len(p.SavedAccounts()) != 0 {
		t.Fatalf("Save with a bad domain called UpdateAccounts(%v)", p.SavedAccounts())
	}
	if h.page.ed == nil {
		t.Fatal("the editor closed")
	}
	// Fixing it enables Save.
	h.TypeInto("Domain", "example.com")
	if _, ok := h.FindPrefix("Domain: "); ok {
		t.Error("the domain message stayed after the fix")
	}
	if h.Must("Save the account").Disabled {
		t.Error("Save stays disabled once the form is valid")
	}
}

func TestDuplicateName(t *testing.T) {
	h := newHarness(t, setupPhone())
	h.Click("Add an account")
	h.TypeInto("Account name", "home")
	if n, ok := h.FindPrefix("Account name: "); !ok || !strings.Contains(n.Description, `duplicate account name "home"`) {
		t.Errorf("no duplicate-name message: %q", n.Description)
	}
	if !h.Must("Save the account").Disabled {
		t.Error("Save is enabled with a duplicate name")
	}
}

func TestUntouchedFieldsListed(t *testing.T) {
	h := newHarness(t, setupPhone())
	h.Click("Add an account")
	if _, ok := h.FindPrefix("Domain: "); ok {
		t.Error("an untouched empty field shows an error before the user typed")
	}
	if !slices.Equal(h.page.ed.missing(), []string{"Account name", "Username", "Domain"}) {
		t.Errorf("missing = %q", h.page.ed.missing())
	}
}

func TestNewAccountSaved(t *testing.T) {
	p := setupPhone()
	h := newHarness(t, p)
	h.Click("Add an account")
	h.TypeInto("Account name", "mobile")
	h.TypeInto("Display name", "Carol")
	h.TypeInto("Username", "carol")
	h.TypeInto("Password", "hunter2")
	h.TypeInto("Domain", "voip.example.net")
	h.Click("Transport TLS")
	h.Click("Save the account")
	if len(p.SavedAccounts()) != 1 {
		t.Fatalf("UpdateAccounts called %d times, want 1 (errors %q)", len(p.SavedAccounts()), h.Errs)
	}
	got := p.SavedAccounts()[0]
	want := append([]config.Account{office(), home(), lab()}, config.Account{
		Name: "mobile", DisplayName: "Carol", Username: "carol", Password: "hunter2",
		Domain: "voip.example.net", Transport: "tls", Expires: 600, Enabled: true,
	})
	if !slices.EqualFunc(got, want, config.Account.Equal) {
		t.Errorf("UpdateAccounts got\n%#v\nwant\n%#v", got, want)
	}
	if h.page.ed != nil {
		t.Error("the editor stayed open after a successful save")
	}
	h.Must("Edit account mobile")
}

func TestEnterSubmits(t *testing.T) {
	p := setupPhone()
	h := newHarness(t, p)
	h.Click("Edit account home")
	h.TypeInto("Display name", "Home line")
	h.Router.Queue(key.Event{Name: key.NameReturn, State: key.Press})
	h.Frame()
	h.Frame()
	if len(p.SavedAccounts()) != 1 || p.SavedAccounts()[0][1].DisplayName != "Home line" {
		t.Fatalf("Enter in a field did not save: %v", p.SavedAccounts())
	}
}

func TestEditKeepsOrderAndPassword(t *testing.T) {
	p := setupPhone()
	h := newHarness(t, p)
	h.Click("Edit account office")
	h.TypeInto("Account name", "work")
	h.Click("Save the account")
	if len(p.SavedAccounts()) != 1 {
		t.Fatalf("UpdateAccounts calls = %d", len(p.SavedAccounts()))
	}
	got := p.SavedAccounts()[0]
	w := office()
	w.Name = "work"
	if !slices.EqualFunc(got, []config.Account{w, home(), lab()}, config.Account.Equal) {
		t.Errorf("got %#v", got)
	}
}

func TestSaveErrorKeepsEditor(t *testing.T) {
	p := setupPhone()
	p.Fail["UpdateAccounts"] = config.Errors{{Field: "account[4].domain", Msg: "no such host"}}
	h := newHarness(t, p)
	h.Click("Add an account")
	h.TypeInto("Account name", "x")
	h.TypeInto("Username", "x")
	h.TypeInto("Domain", "nowhere.invalid")
	h.Click("Save the account")
	if h.page.ed == nil {
		t.Fatal("the editor closed although saving failed")
	}
	if _, ok := h.Find("Domain: no such host"); !ok {
		t.Error("the save error is not under the domain field")
	}
	p.Fail["UpdateAccounts"] = errors.New("disk full")
	h.TypeInto("Domain", "example.org")
	h.Click("Save the account")
	if _, ok := h.Find("Save failed"); !ok || h.page.ed == nil {
		t.Error("a plain save error is not shown in the editor")
	}
	if len(h.Errs) != 2 {
		t.Errorf("errors reported through Run = %q, want 2", h.Errs)
	}
}

func TestRemoveAsksFirst(t *testing.T) {
	p := setupPhone()
	h := newHarness(t, p)
	h.Click("Edit account home")
	h.Click("Remove account home")
	if len(p.SavedAccounts()) != 0 {
		t.Fatal("Remove saved without asking")
	}
	h.Click("Keep the account")
	if len(p.SavedAccounts()) != 0 || h.page.ed == nil {
		t.Fatal("Keep removed the account or closed the editor")
	}
	h.Click("Remove account home")
	h.Click("Remove account home for good")
	if len(p.SavedAccounts()) != 1 || !slices.EqualFunc(p.SavedAccounts()[0], []config.Account{office(), lab()}, config.Account.Equal) {
		t.Fatalf("updates = %v", p.SavedAccounts())
	}
	if h.page.ed != nil {
		t.Error("the editor stayed open")
	}
	if _, ok := h.Find("Edit account home"); ok {
		t.Error("the removed account is still listed")
	}
}

func TestCancelDiscards(t *testing.T) {
	p := setupPhone()
	h := newHarness(t, p)
	h.Click("Edit account home")
	h.TypeInto("Username", "changed")
	h.Click("Cancel and discard changes")
	if len(p.SavedAccounts()) != 0 || h.page.ed != nil {
		t.Fatalf("Cancel: updates %v, editor open %v", p.SavedAccounts(), h.page.ed != nil)
	}
}

func TestEnableSwitch(t *testing.T) {
	p := setupPhone()
	h := newHarness(t, p)
	h.Click("Enable account lab")
	if len(p.SavedAccounts()) != 1 {
		t.Fatalf("updates = %d", len(p.SavedAccounts()))
	}
	l := lab()
	l.Enabled = true
	if !slices.EqualFunc(p.SavedAccounts()[0], []config.Account{office(), home(), l}, config.Account.Equal) {
		t.Errorf("got %#v", p.SavedAccounts()[0])
	}
	h.Must("Disable account lab")
}

func TestPasswordToggle(t *testing.T) {
	h := newHarness(t, setupPhone())
	h.Click("Edit account office")
	if h.page.ed.f[fPass].ed.Mask == 0 {
		t.Fatal("the password shows")
	}
	h.Click("Show password")
	if h.page.ed.f[fPass].ed.Mask != 0 {
		t.Fatal("Show password did not unmask")
	}
	h.Click("Hide password")
	if h.page.ed.f[fPass].ed.Mask == 0 {
		t.Fatal("Hide password did not mask")
	}
}

func TestDescribeState(t *testing.T) {
	now := testNow
	cases := []struct {
		s              account.Status
		known, enabled bool
		title          string
		detail         string
	}{
		{account.Status{}, false, false, "Off", "Not registering; enable to sign in"},
		{account.Status{State: account.Registering}, true, true, "Registering…", "Contacting the server"},
		{account.Status{State: account.Registered, Expires: 600, At: now}, true, true, "Registered", "Expires at " + now.Add(10*time.Minute).Format("15:04") + " (10 min granted)"},
		{account.Status{State: account.Failed, Code: 401, Reason: "Unauthorized"}, true, true, "Failed: 401 Unauthorized", ""},
		{account.Status{State: account.Failed, Code: 408, Reason: "408 Request Timeout", RetryIn: time.Minute, At: now}, true, true, "Failed: 408 Request Timeout", "Next attempt at " + now.Add(time.Minute).Format("15:04")},
		{account.Status{State: account.Failed}, true, true, "Failed: no response", ""},
		{account.Status{State: account.Failed, Code: 503}, true, true, "Failed: SIP 503", ""},
	}
	for _, c := range cases {
		got := describeState(c.s, c.known, c.enabled, now)
		if got.Title != c.title || got.Detail != c.detail {
			t.Errorf("describeState(%+v) = %q / %q, want %q / %q", c.s, got.Title, got.Detail, c.title, c.detail)
		}
	}
}

// TestAsyncRun drives the screen with commands on the window's queue
// goroutine (go test -race checks the page's locking).
func TestAsyncRun(t *testing.T) {
	p := setupPhone()
	h := newHarness(t, p)
	wait := h.Async()
	h.Click("Add an account")
	wait()
	h.TypeInto("Account name", "mobile")
	h.TypeInto("Username", "carol")
	h.TypeInto("Domain", "example.net")
	h.Click("Save the account")
	h.Frame() // frames go on while the save runs
	wait()
	h.Frame()
	if h.page.ed != nil {
		t.Fatal("the editor did not close after the save finished")
	}
	h.Click("Disable account home")
	wait()
	h.Frame()
	h.Must("Enable account home")
	if n := len(p.SavedAccounts()); n != 2 {
		t.Errorf("updates = %d, want 2", n)
	}
}
