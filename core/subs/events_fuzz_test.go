package subs

import (
	"encoding/binary"
	"strings"
	"testing"

	"github.com/softphone/softphone/core/sip"
	"github.com/softphone/softphone/core/state"
)

// Fuzz input layout: records of [kind][flags][length, 2 bytes][body].
// kind%3: 0 a NOTIFY of the busy lamp's dialog subscription, 1 an
// unsolicited message-summary NOTIFY, 2 a MESSAGE. flags: bit 0 the
// NOTIFY is its dialog's first, bit 1 Subscription-State terminated, bits
// 2-3 the Content-Type (ours, none, another, ours with parameters), bits
// 4-5 whose the request is (the account, another user, nobody), bits 6-7
// the MESSAGE's CSeq (resends repeat one).

const fuzzBLF = "sip:201@pbx.test"

func fuzzEventRecord(kind, flags byte, body string) []byte {
	out := []byte{kind, flags, 0, 0}
	binary.BigEndian.PutUint16(out[2:], uint16(len(body)))
	return append(out, body...)
}

func eventSeeds() [][]byte {
	full := `<?xml version="1.0"?>
<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="0" state="full" entity="sip:201@pbx.test">
<dialog id="a" direction="recipient"><state>early</state></dialog>
</dialog-info>`
	partial := `<?xml version="1.0"?>
<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="1" state="partial" entity="sip:201@pbx.test">
<dialog id="a" direction="recipient"><state>confirmed</state></dialog>
</dialog-info>`
	ended := strings.Replace(strings.Replace(partial, "confirmed", "terminated", 1), `version="1"`, `version="2"`, 1)
	mwi := "Messages-Waiting: yes\r\nMessage-Account: sip:*97@pbx.test\r\nVoice-Message: 3/5 (1/0)\r\n"
	var seeds [][]byte
	seeds = append(seeds, append(append(append(append(
		fuzzEventRecord(0, 1, full),
		fuzzEventRecord(0, 0, partial)...),
		fuzzEventRecord(0, 0, ended)...),
		fuzzEventRecord(0, 0, "")...),
		fuzzEventRecord(0, 2|1<<2, "")...))
	seeds = append(seeds, append(append(append(
		fuzzEventRecord(1, 0, mwi),
		fuzzEventRecord(1, 1<<4, mwi)...),
		fuzzEventRecord(1, 2<<2, mwi)...),
		fuzzEventRecord(1, 3<<2, "Messages-Waiting: no\r\n")...))
	seeds = append(seeds, append(append(append(
		fuzzEventRecord(2, 0, "hello"),
		fuzzEventRecord(2, 0, "hello")...), // a resend
		fuzzEventRecord(2, 1<<6, "again")...),
		fuzzEventRecord(2, 2<<4, "for nobody")...))
	return seeds
}

// FuzzIncomingEvents feeds what the network sends the engine's
// subscription side, after the SIP layer: dialog NOTIFYs to a busy lamp,
// unsolicited voicemail NOTIFYs, MESSAGEs. No panic, only the answers
// the handlers document, and the lamps and voicemail counts published
// stay sane.
func FuzzIncomingEvents(f *testing.F) {
	for _, s := range eventSeeds() {
		f.Add(s)
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		line := Line{Name: "work", From: sip.Target{Username: "100", Domain: "pbx.test"}, MWI: true, Registered: true}
		m, bus, _ := testManager(t, false, line)
		w := &blfWatch{uri: fuzzBLF, target: fuzzBLF, account: "work"}
		m.watch = map[string]*blfWatch{fuzzBLF: w}
		types := [][3]string{
			{"application/dialog-info+xml", "application/simple-message-summary", "text/plain;charset=UTF-8"},
			{"", "", ""},
			{"text/plain", "text/plain", "text/html"},
			{"application/dialog-info+xml", "application/simple-message-summary;charset=utf-8", "text/plain"},
		}
		users := []string{"100", "999", ""}
		for len(data) >= 4 {
			kind, flags := data[0]%3, data[1]
			n := min(int(binary.BigEndian.Uint16(data[2:4])), len(data)-4)
			body := data[4 : 4+n]
			data = data[4+n:]
			ct := types[flags>>2&3][kind]
			user := users[int(flags>>4&3)%len(users)]
			switch kind {
			case 0:
				st := "active"
				if flags&2 != 0 {
					st = "terminated"
				}
				m.onDialogNotify(w, sip.Notification{Event: "dialog", ContentType: ct, Body: body, State: st, First: flags&1 != 0})
			case 1:
				code, _ := m.onUnsolicitedMWI(sip.MWINotify{User: user, ToUser: user, ContentType: ct, Body: body})
				switch code {
				case 200, 400, 404, 415:
				default:
					t.Fatalf("unsolicited MWI answered %d", code)
				}
			case 2:
				code, _ := m.onMessage(sip.IncomingMessage{
					From: sip.Party{URI: "sip:alice@pbx.test", User: "alice"}, To: sip.Party{URI: "sip:" + user + "@pbx.test", User: user},
					Text: string(body), CallID: "c1@pbx.test", CSeq: uint32(flags >> 6), FromTag: "t1",
				})
				if code != 200 && code != 404 {
					t.Fatalf("MESSAGE answered %d", code)
				}
			}
		}
		st := bus.State()
		if l, ok := st.Lamps[fuzzBLF]; ok {
			switch l {
			case state.BLFUnknown, state.BLFIdle, state.BLFRinging, state.BLFBusy:
			default:
				t.Fatalf("lamp state %q", l)
			}
		}
		for _, vm := range st.Voicemail {
			if vm.New < 0 || vm.Old < 0 || vm.Urgent < 0 {
				t.Fatalf("voicemail counts %+v", vm)
			}
		}
	})
}
