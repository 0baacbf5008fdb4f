package cti

import (
	"net/url"
	"testing"

	"github.com/softphone/softphone/core/call"
)

func TestNumber(t *testing.T) {
	for _, tt := range []struct{ uri, cc, want string }{
		{"sip:+442079460000@example.com", "", "+442079460000"},
		{"sip:+44%2020%207946%200000@example.com;user=phone", "", "+442079460000"},
		{"sips:+44 (0)20 7946-0000@example.com", "", "+442079460000"},
		{"tel:+1-202-555-0143", "", "+12025550143"},
		{"tel:+1-202-555-0143;ext=7", "", "+12025550143"},
		{"sip:00442079460000@example.com", "", "+442079460000"},
		{"sip:00442079460000@example.com", "33", "+442079460000"},
		{"sip:02079460000@example.com", "44", "+442079460000"},
		{"sip:020 7946.0000@example.com", "44", "+442079460000"},
		{"sip:02079460000@example.com", "", "02079460000"},
		{"<sip:0612345678;phone-context=+33@example.com>", "33", "+33612345678"},
		{"0612345678", "33", "+33612345678"},
		{"sip:2000@pbx.example.com", "44", "2000"},
		{"sip:20-00@pbx.example.com", "", "2000"},
		{"sip:0@pbx.example.com", "44", "0"},
		{"sip:alice@example.com", "44", "alice"},
		{"sip:*97@example.com", "44", "*97"},
		{"sip:al%20ice@example.com", "", "al%20ice"},
		{"sip:example.com", "44", "sip:example.com"},
		{"sip:10.0.0.1:5060", "", "sip:10.0.0.1:5060"},
		{"", "44", ""},
	} {
		if got := Number(tt.uri, tt.cc); got != tt.want {
			t.Errorf("Number(%q, %q) = %q, want %q", tt.uri, tt.cc, got, tt.want)
		}
	}
}

func TestVarsOf(t *testing.T) {
	i := call.Info{ID: "c1", Direction: call.Inbound, Account: "work",
		Remote: call.Party{DisplayName: "Bob B", URI: "sip:020%207946@example.com;transport=tcp"}}
	want := Vars{Number: "+44207946", Raw: "020%207946", Name: "Bob B", Account: "work", CallID: "c1", Direction: "incoming"}
	if got := VarsOf(i, "44"); got != want {
		t.Errorf("VarsOf = %+v\nwant %+v", got, want)
	}
	i.Contact = "Robert (Accounts)"
	if got := VarsOf(i, "44").Name; got != "Robert (Accounts)" {
		t.Errorf("Name = %q, want the contact's name first", got)
	}
	i.Remote = call.Party{URI: "sip:host.example"}
	if got := VarsOf(i, ""); got.Raw != "sip:host.example" || got.Name != "Robert (Accounts)" || got.Number != "sip:host.example" {
		t.Errorf("no user part: %+v", got)
	}
}

func TestExpand(t *testing.T) {
	v := Vars{Number: "+4420", Raw: "020 x", Name: `Eve & "Mallory"/../?admin=1#x`, Account: "a b", CallID: "id=1", Direction: "incoming"}
	got := Expand("https://crm.example/{direction}/lookup?n={number}&r={raw}&who={name}&a={account}&c={call_id}&keep={other}&{", v)
	want := "https://crm.example/incoming/lookup?n=%2B4420&r=020+x&who=Eve+%26+%22Mallory%22%2F..%2F%3Fadmin%3D1%23x&a=a+b&c=id%3D1&keep={other}&{"
	if got != want {
		t.Fatalf("Expand =\n%s\nwant\n%s", got, want)
	}
	u, err := url.Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	if q := u.Query(); q.Get("who") != v.Name || q.Get("n") != v.Number || len(q["admin"]) != 0 || u.Fragment != "" || u.Path != "/incoming/lookup" {
		t.Errorf("a value escaped its parameter: %+v %q", q, u.Path)
	}
}
