package presence

import (
	"strings"
	"testing"
)

func TestPIDFRoundTrip(t *testing.T) {
	for _, p := range []Presence{
		{Entity: "sip:alice@example.com", Open: true},
		{Entity: "sip:alice@example.com", Open: true, Note: "On the phone", OnThePhone: true},
		{Entity: "sip:a&b@example.com", Open: false, Note: `<closed> "for now"`},
	} {
		body, err := BuildPIDF(p, "t1")
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParsePIDF(body)
		if err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		if got != p {
			t.Fatalf("round trip\n got %+v\nwant %+v\n%s", got, p, body)
		}
	}
	if _, err := BuildPIDF(Presence{}, "t"); err == nil {
		t.Fatal("no entity accepted")
	}
}

func TestParsePIDF(t *testing.T) {
	// Several tuples: one open is enough; a note outside the tuple counts.
	body := `<?xml version="1.0"?><presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:bob@h">
<tuple id="a"><status><basic>closed</basic></status></tuple>
<tuple id="b"><status><basic>OPEN</basic></status></tuple><note>away</note></presence>`
	p, err := ParsePIDF([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if !p.Open || p.Note != "away" || p.Entity != "pres:bob@h" {
		t.Fatalf("got %+v", p)
	}
	for _, bad := range []string{"", "<presence>", `<presence entity="x"><tuple><status><basic>maybe</basic></status></tuple></presence>`, strings.Repeat(" ", MaxBody+1)} {
		if _, err := ParsePIDF([]byte(bad)); err == nil {
			t.Errorf("%.40q: no error", bad)
		}
	}
}

func FuzzParsePIDF(f *testing.F) {
	b, _ := BuildPIDF(Presence{Entity: "sip:a@b", Open: true, Note: "n", OnThePhone: true}, "t")
	f.Add(b)
	f.Add([]byte(`<presence entity="x"><tuple><status><basic>closed</basic></status></tuple></presence>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := ParsePIDF(body)
		if err != nil || p.Entity == "" {
			return
		}
		out, err := BuildPIDF(p, "t")
		if err != nil {
			t.Fatal(err)
		}
		again, err := ParsePIDF(out)
		if err != nil {
			t.Fatalf("reparse %s: %v", out, err)
		}
		if again.Open != p.Open || again.OnThePhone != p.OnThePhone {
			t.Fatalf("round trip %+v -> %+v", p, again)
		}
	})
}
