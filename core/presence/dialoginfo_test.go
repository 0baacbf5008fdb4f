package presence

import (
	"strings"
	"testing"
)

const earlyDoc = `<?xml version="1.0"?>
<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="3" state="full" entity="sip:bob@127.0.0.1">
  <dialog id="d1" call-id="abc@host" local-tag="bobtag" remote-tag="alicetag" direction="recipient">
    <state>early</state>
    <local><identity>sip:bob@127.0.0.1</identity><target uri="sip:bob@127.0.0.1:5070"/></local>
    <remote><identity display="Alice">sip:alice@127.0.0.1</identity><target uri="sip:alice@127.0.0.1:5080"/></remote>
  </dialog>
</dialog-info>`

func doc(version int, state string, dialogs ...string) []byte {
	return []byte(`<?xml version="1.0"?><dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="` +
		itoa(version) + `" state="` + state + `" entity="sip:bob@h">` + strings.Join(dialogs, "") + `</dialog-info>`)
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func dlg(id, dir, state string) string {
	d := `<dialog id="` + id + `" call-id="c-` + id + `"`
	if dir != "" {
		d += ` direction="` + dir + `"`
	}
	return d + `><state>` + state + `</state></dialog>`
}

func TestParseDialogInfo(t *testing.T) {
	info, err := ParseDialogInfo([]byte(earlyDoc))
	if err != nil {
		t.Fatal(err)
	}
	if info.Entity != "sip:bob@127.0.0.1" || info.Version != 3 || !info.Full || len(info.Dialogs) != 1 {
		t.Fatalf("got %+v", info)
	}
	d := info.Dialogs[0]
	want := Dialog{ID: "d1", CallID: "abc@host", LocalTag: "bobtag", RemoteTag: "alicetag", Direction: "recipient", State: "early",
		Local:  Party{Identity: "sip:bob@127.0.0.1", Target: "sip:bob@127.0.0.1:5070"},
		Remote: Party{Identity: "sip:alice@127.0.0.1", Display: "Alice", Target: "sip:alice@127.0.0.1:5080"}}
	if d != want {
		t.Fatalf("dialog\n got %+v\nwant %+v", d, want)
	}
	if d.Line() != LineRinging {
		t.Fatalf("line %s, want ringing", d.Line())
	}
}

func TestParseDialogInfoErrors(t *testing.T) {
	for name, body := range map[string]string{
		"empty":         "",
		"not xml":       "hello",
		"other root":    `<presence entity="x"/>`,
		"bad state":     string(doc(1, "full", dlg("a", "", "ringing"))),
		"bad doc state": string(doc(1, "sometimes")),
		"bad version":   `<dialog-info version="x" state="full" entity="e"/>`,
		"no dialog id":  `<dialog-info version="1" state="full" entity="e"><dialog><state>early</state></dialog></dialog-info>`,
		"unclosed":      `<dialog-info version="1" state="full" entity="e"><dialog id="a">`,
	} {
		if _, err := ParseDialogInfo([]byte(body)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := ParseDialogInfo(make([]byte, MaxBody+1)); err != ErrTooLarge {
		t.Errorf("huge body: %v", err)
	}
}

func TestTrackerStates(t *testing.T) {
	steps := []struct {
		name string
		body []byte
		want Line
	}{
		{"nothing yet", nil, LineUnknown},
		{"full, no dialog", doc(0, "full"), LineIdle},
		{"Trying (Kamailio's capital T) for the callee", doc(1, "full", dlg("a", "recipient", "Trying")), LineRinging},
		{"early", doc(2, "full", dlg("a", "recipient", "early")), LineRinging},
		{"stale version ignored", doc(1, "full"), LineRinging},
		{"confirmed", doc(3, "full", dlg("a", "recipient", "confirmed")), LineBusy},
		{"partial: a second call rings meanwhile, still busy", doc(4, "partial", dlg("b", "recipient", "early")), LineBusy},
		{"partial: first ends, second still rings", doc(5, "partial", dlg("a", "recipient", "terminated")), LineRinging},
		{"partial: second ends", doc(6, "partial", dlg("b", "recipient", "TERMINATED")), LineIdle},
		{"dialling out is busy", doc(7, "full", dlg("c", "initiator", "early")), LineBusy},
		{"several dialogs: the most active wins", doc(8, "full", dlg("d", "recipient", "terminated"), dlg("e", "recipient", "proceeding"), dlg("f", "", "confirmed")), LineBusy},
		{"full replaces", doc(9, "full", dlg("g", "recipient", "terminated")), LineIdle},
	}
	var tr Tracker
	for _, s := range steps {
		if s.body != nil {
			info, err := ParseDialogInfo(s.body)
			if err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			tr.Apply(info)
		}
		if got := tr.Line(); got != s.want {
			t.Fatalf("%s: line %s, want %s", s.name, got, s.want)
		}
	}
	tr.Reset()
	if tr.Line() != LineUnknown {
		t.Fatal("reset tracker not unknown")
	}
}

func TestTrackerRinging(t *testing.T) {
	var tr Tracker
	info, err := ParseDialogInfo([]byte(earlyDoc))
	if err != nil {
		t.Fatal(err)
	}
	tr.Apply(info)
	d, ok := tr.Ringing()
	if !ok || d.CallID != "abc@host" || d.LocalTag != "bobtag" || d.RemoteTag != "alicetag" {
		t.Fatalf("ringing %+v %v", d, ok)
	}
	info, _ = ParseDialogInfo(doc(4, "full", dlg("d1", "recipient", "confirmed")))
	tr.Apply(info)
	if _, ok := tr.Ringing(); ok {
		t.Fatal("a confirmed dialog is not ringing")
	}
}

func FuzzParseDialogInfo(f *testing.F) {
	f.Add([]byte(earlyDoc))
	f.Add(doc(1, "partial", dlg("a", "initiator", "confirmed")))
	f.Add([]byte(`<dialog-info version="1" state="full" entity="e"><dialog id="a"><state>early</state><remote><identity>x</identity></remote></dialog></dialog-info>`))
	f.Add([]byte(`<!DOCTYPE x [<!ENTITY a "aaaa">]><dialog-info version="1" state="full">&a;</dialog-info>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		info, err := ParseDialogInfo(body)
		if err != nil {
			return
		}
		var tr Tracker
		tr.Apply(info)
		switch tr.Line() {
		case LineIdle, LineRinging, LineBusy:
		default:
			t.Fatalf("line %q after a parsed document", tr.Line())
		}
	})
}
