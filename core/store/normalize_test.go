package store

import "testing"

func TestNormalizeCallerIDTable(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"+44 20 7946 0958", "442079460958"},
		{"0044 20 7946 0958", "442079460958"},
		{"+44 (20) 7946-0958", "442079460958"},
		{"+44.20.7946.0958", "442079460958"},
		{"tel:+44-20-7946-0958", "442079460958"},
		{"TEL:+442079460958;phone-context=example.com", "442079460958"},
		{"sip:+442079460958@pbx.example.com;user=phone", "442079460958"},
		{"sips:00442079460958@pbx.example.com:5061", "442079460958"},
		{`"Ada" <sip:+44-20-7946-0958@pbx.example.com>;tag=abc`, "442079460958"},
		{"<tel:+1-555-0100>", "15550100"},
		{"(555) 010-0199", "5550100199"},
		{"555 / 0100", "5550100"},
		{"  020 7946 0958  ", "02079460958"},
		{"sip:%2B442079460958@host", "442079460958"},
		{"sip:bob@pbx.example.com", "bob"},
		{"Bob@Example.COM", "bob"},
		{"sip:Bob@pbx;transport=tcp", "bob"},
		{`"Bob Ross" <sip:bob@pbx.example.com:5060;transport=udp>`, "bob"},
		{"sip:100@pbx", "100"},
		{"100", "100"},
		{"*97", "*97"},
		{"00", "00"},
		{"0012", "0012"},
		{"+", "+"},
		{"", ""},
		{"   ", ""},
		{"sip:pbx.example.com", "pbx.example.com"},
	} {
		if got := Normalize(c.in); got != c.want {
			t.Errorf("Normalize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestSameNumberTable(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"+44 20 7946 0958", "0044-20-7946-0958", true},
		{"tel:+442079460958", "sip:+442079460958@pbx;user=phone", true},
		{"sip:bob@pbx", "SIP:Bob@PBX;transport=tcp", true},
		{"bob@pbx", "sip:bob@pbx", true},
		{"sip:bob@pbx", "sip:bob@other", false},
		{"+44 20 7946 0958", "+44 20 7946 0959", false},
		{"", "", false},
	} {
		if got := SameNumber(c.a, c.b); got != c.want {
			t.Errorf("SameNumber(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

func TestNormalizeTailAndWords(t *testing.T) {
	if tail("442079460958") != "079460958" || tail("02079460958") != "079460958" {
		t.Fatal("a number with and without its country code must share a tail")
	}
	if tail("100") != "" || tail("bob") != "" {
		t.Fatal("short numbers and names have no tail")
	}
	w := words("José  O'Brien-Smith josé")
	want := []string{"jose", "o", "brien", "smith"}
	if len(w) != len(want) {
		t.Fatalf("words %q", w)
	}
	for i := range w {
		if w[i] != want[i] {
			t.Fatalf("words %q, want %q", w, want)
		}
	}
}
