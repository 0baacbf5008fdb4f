package main

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/call"
)

func TestParseConsoleLine(t *testing.T) {
	for _, c := range []struct {
		line string
		want consoleCmd
		err  string // substring of the error; "" = no error
	}{
		{line: "dial sip:bob@example.com", want: consoleCmd{name: "dial", arg: "sip:bob@example.com"}},
		{line: "  CALL   2  ", want: consoleCmd{name: "dial", arg: "2"}},
		{line: "dial", err: "usage: dial URI"},
		{line: "dial a b", err: "usage: dial URI"},
		{line: "answer", want: consoleCmd{name: "answer"}},
		{line: "answer 3f2a", want: consoleCmd{name: "answer", ids: []string{"3f2a"}}},
		{line: "answer 3f2a 99", err: "usage: answer [ID]"},
		{line: "reject", want: consoleCmd{name: "reject"}},
		{line: "reject 486", want: consoleCmd{name: "reject", code: 486}},
		{line: "reject 3f2a", want: consoleCmd{name: "reject", ids: []string{"3f2a"}}},
		{line: "reject 3f2a 603", want: consoleCmd{name: "reject", ids: []string{"3f2a"}, code: 603}},
		{line: "reject 3f2a 200", err: "400 to 699"},
		{line: "reject 3f2a busy", err: "400 to 699"},
		{line: "reject 999", err: "400 to 699"},
		{line: "hangup", want: consoleCmd{name: "hangup"}},
		{line: "hold ab", want: consoleCmd{name: "hold", ids: []string{"ab"}}},
		{line: "resume", want: consoleCmd{name: "resume"}},
		{line: "mute", want: consoleCmd{name: "mute"}},
		{line: "dtmf 123#", want: consoleCmd{name: "dtmf", arg: "123#"}},
		{line: "dtmf ab 1a*", want: consoleCmd{name: "dtmf", ids: []string{"ab"}, arg: "1A*"}},
		{line: "dtmf 12x", err: "bad digits"},
		{line: "dtmf", err: "usage: dtmf [ID] DIGITS"},
		{line: "transfer sip:carol@h", want: consoleCmd{name: "transfer", arg: "sip:carol@h"}},
		{line: "xfer ab carol", want: consoleCmd{name: "transfer", ids: []string{"ab"}, arg: "carol"}},
		{line: "transfer", err: "usage"},
		{line: "atransfer", want: consoleCmd{name: "atransfer"}},
		{line: "atransfer ab cd", want: consoleCmd{name: "atransfer", ids: []string{"ab", "cd"}}},
		{line: "atransfer ab", err: "usage: atransfer [ID CONSULT_ID]"},
		{line: "merge", want: consoleCmd{name: "merge"}},
		{line: "merge ab cd ef", want: consoleCmd{name: "merge", ids: []string{"ab", "cd", "ef"}}},
		{line: "merge ab", err: "two calls or more"},
		{line: "split", want: consoleCmd{name: "split"}},
		{line: "record ab", want: consoleCmd{name: "record", ids: []string{"ab"}}},
		{line: "stoprecord", want: consoleCmd{name: "stoprecord"}},
		{line: "dnd ON", want: consoleCmd{name: "dnd", arg: "on"}},
		{line: "dnd off", want: consoleCmd{name: "dnd", arg: "off"}},
		{line: "dnd maybe", err: "usage: dnd on|off"},
		{line: "dnd", err: "usage: dnd on|off"},
		{line: "message bob hello  there,   world ", want: consoleCmd{name: "message", to: "bob", arg: "hello  there,   world"}},
		{line: "msg sip:bob@h\tà bientôt", want: consoleCmd{name: "message", to: "sip:bob@h", arg: "à bientôt"}},
		{line: "message bob", err: "usage: message TO TEXT"},
		{line: "voicemail", want: consoleCmd{name: "voicemail"}},
		{line: "vm work", want: consoleCmd{name: "voicemail", arg: "work"}},
		{line: "voicemail a b", err: "usage"},
		{line: "mwi", want: consoleCmd{name: "mwi"}},
		{line: "watch", want: consoleCmd{name: "watch"}},
		{line: "watch bob sip:carol@h", want: consoleCmd{name: "watch", uris: []string{"bob", "sip:carol@h"}}},
		{line: "unwatch", want: consoleCmd{name: "unwatch"}},
		{line: "pickup bob", want: consoleCmd{name: "pickup", arg: "bob"}},
		{line: "pickup", err: "usage: pickup URI"},
		{line: "calls", want: consoleCmd{name: "calls"}},
		{line: "calls x", err: "usage"},
		{line: "help", want: consoleCmd{name: "help"}},
		{line: "quit", want: consoleCmd{name: "quit"}},
		{line: "exit", want: consoleCmd{name: "quit"}},
		{line: "frobnicate", err: `unknown command "frobnicate"`},
		{line: "message bob hi\x1b[2J", err: "control character"},
		{line: "dial sip:bob@h\x00", err: "control character"},
	} {
		got, err := parseConsoleLine(c.line)
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%q: error %v, want one with %q", c.line, err, c.err)
		case c.err == "" && err != nil:
			t.Errorf("%q: %v", c.line, err)
		case c.err == "" && !reflect.DeepEqual(got, c.want):
			t.Errorf("%q: got %+v, want %+v", c.line, got, c.want)
		}
	}
	for _, blank := range []string{"", "   ", "\t", "# a comment", "  #dial bob"} {
		if _, err := parseConsoleLine(blank); !errors.Is(err, errEmptyLine) {
			t.Errorf("%q: %v, want errEmptyLine", blank, err)
		}
	}
}

func TestPickCall(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	calls := []call.Info{
		{ID: "aa11", State: call.Held, LocalHold: true, Started: t0},
		{ID: "aa22", State: call.Connected, Started: t0.Add(time.Second), Recording: "/r.wav"},
		{ID: "bb33", State: call.Incoming, Started: t0.Add(2 * time.Second)},
		{ID: "cc44", State: call.Connected, Started: t0.Add(3 * time.Second), Conference: "c1"},
	}
	for _, c := range []struct{ cmd, prefix, want, err string }{
		{"hangup", "", "cc44", ""},
		{"answer", "", "bb33", ""},
		{"reject", "", "bb33", ""},
		{"hold", "", "cc44", ""},
		{"resume", "", "aa11", ""},
		{"dtmf", "", "cc44", ""},
		{"record", "", "cc44", ""},
		{"stoprecord", "", "aa22", ""},
		{"split", "", "cc44", ""},
		{"hold", "aa2", "aa22", ""},
		{"hold", "AA2", "aa22", ""},
		{"answer", "aa1", "aa11", ""}, // an explicit ID is passed on: the phone says what is wrong
		{"hold", "aa", "", `"aa" is ambiguous: aa11, aa22`},
		{"hold", "zz", "", `no call "zz"`},
	} {
		got, err := pickCall(calls, c.cmd, c.prefix)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s %q: %v, want error %q", c.cmd, c.prefix, err, c.err)
			}
			continue
		}
		if err != nil || got.ID != c.want {
			t.Errorf("%s %q: %q %v, want %q", c.cmd, c.prefix, got.ID, err, c.want)
		}
	}
	if _, err := pickCall(calls[:2], "answer", ""); err == nil || err.Error() != "no call to answer" {
		t.Errorf("answer with nothing ringing: %v", err)
	}
	ids, err := pickCalls(calls, "merge", nil)
	if err != nil || strings.Join(ids, ",") != "aa11,aa22,cc44" {
		t.Errorf("merge of every call up: %v %v", ids, err)
	}
	if _, err := pickCalls(calls, "atransfer", nil); err == nil || !strings.Contains(err.Error(), "3 calls up") {
		t.Errorf("atransfer with three calls up: %v", err)
	}
	ids, err = pickCalls(calls[:2], "atransfer", nil)
	if err != nil || strings.Join(ids, ",") != "aa11,aa22" {
		t.Errorf("atransfer of the two calls up: %v %v", ids, err)
	}
	if _, err := pickCalls(calls, "merge", []string{"aa1", "aa11"}); err == nil || !strings.Contains(err.Error(), "given twice") {
		t.Errorf("merge of one call twice: %v", err)
	}
}

// fakePhone records what the console asked of it. The embedded
// core.Phone is nil: a method the console should not call panics.
type fakePhone struct {
	core.Phone
	calls []call.Info // the State's, oldest first
	did   []string
	err   error
}

func (f *fakePhone) rec(format string, a ...any) error {
	f.did = append(f.did, fmt.Sprintf(format, a...))
	return f.err
}
func (f *fakePhone) State() core.State {
	return core.State{
		Calls:     f.calls,
		Voicemail: []core.VoicemailStatus{{Account: "work", Waiting: true, New: 2, Old: 1}},
		Lamps:     map[string]core.BLFState{"sip:bob@h": core.BLFBusy},
	}
}
func (f *fakePhone) Dial(_ context.Context, to string, o core.DialOptions) (string, error) {
	return "new1", f.rec("Dial %s %s", to, o.Account)
}
func (f *fakePhone) Answer(_ context.Context, id string) error { return f.rec("Answer %s", id) }
func (f *fakePhone) Decline(id string) error                   { return f.rec("Decline %s", id) }
func (f *fakePhone) Reject(id string, code int) error          { return f.rec("Reject %s %d", id, code) }
func (f *fakePhone) Hangup(id string) error                    { return f.rec("Hangup %s", id) }
func (f *fakePhone) Hold(_ context.Context, id string) error   { return f.rec("Hold %s", id) }
func (f *fakePhone) Resume(_ context.Context, id string) error { return f.rec("Resume %s", id) }
func (f *fakePhone) Mute(id string, on bool) error             { return f.rec("Mute %s %v", id, on) }
func (f *fakePhone) SendDTMF(id, digits string) error          { return f.rec("SendDTMF %s %s", id, digits) }
func (f *fakePhone) Transfer(_ context.Context, id, target string) error {
	return f.rec("Transfer %s %s", id, target)
}
func (f *fakePhone) AttendedTransfer(_ context.Context, id, c string) error {
	return f.rec("AttendedTransfer %s %s", id, c)
}
func (f *fakePhone) Merge(_ context.Context, ids ...string) (string, error) {
	return "conf1", f.rec("Merge %v", ids)
}
func (f *fakePhone) Split(_ context.Context, id string) error { return f.rec("Split %s", id) }
func (f *fakePhone) StartRecording(id string) (string, error) {
	return "/rec/" + id + ".wav", f.rec("StartRecording %s", id)
}
func (f *fakePhone) StopRecording(id string) error { return f.rec("StopRecording %s", id) }
func (f *fakePhone) SetDND(_ context.Context, account string, on bool) error {
	return f.rec("SetDND %q %v", account, on)
}
func (f *fakePhone) SendMessage(account, to, text string) (core.Message, error) {
	return core.Message{Key: "m1", Peer: to, Text: text}, f.rec("SendMessage %s %s %q", account, to, text)
}
func (f *fakePhone) DialVoicemail(_ context.Context, account string) (string, error) {
	return "vm1", f.rec("DialVoicemail %s", account)
}
func (f *fakePhone) Watch(_ context.Context, uris []string) error { return f.rec("Watch %v", uris) }
func (f *fakePhone) Pickup(_ context.Context, uri string) (string, error) {
	return "p1", f.rec("Pickup %s", uri)
}

// SpeedDial has slot 2 only.
func (f *fakePhone) SpeedDial(_ context.Context, slot int) (core.SpeedDial, bool, error) {
	if slot == 2 {
		return core.SpeedDial{Slot: 2, Number: "sip:speed@h"}, true, nil
	}
	return core.SpeedDial{}, false, nil
}

// TestConsoleDispatch: each line reaches the right phone method with the
// call it means, and the reply says so.
func TestConsoleDispatch(t *testing.T) {
	t0 := time.Now()
	out := func(i call.Info, uri string) call.Info {
		i.Direction, i.Remote = call.Outgoing, call.Party{URI: uri}
		return i
	}
	calls := []call.Info{ // as the phone's State lists them: oldest first
		out(call.Info{ID: "aa11", State: call.Held, LocalHold: true, Started: t0}, "sip:a@h"),
		out(call.Info{ID: "bb22", State: call.Connected, Started: t0.Add(time.Second)}, "sip:b@h"),
		{ID: "cc33", State: call.Incoming, Started: t0.Add(2 * time.Second), Direction: call.Inbound, Remote: call.Party{URI: "sip:c@h"}},
	}
	for _, c := range []struct{ line, did, reply string }{
		{"dial bob", "Dial bob work", "ok dial new1"},
		{"dial 2", "Dial sip:speed@h work", "ok dial new1"},
		{"dial 3", "Dial 3 work", "ok dial new1"}, // an empty slot is dialled as is
		{"answer", "Answer cc33", "ok answer cc33"},
		{"reject 603", "Reject cc33 603", "ok reject cc33"},
		{"reject", "Decline cc33", "ok reject cc33"}, // the phone picks the code
		{"hangup aa", "Hangup aa11", "ok hangup aa11"},
		{"hold", "Hold bb22", "ok hold bb22"},
		{"resume", "Resume aa11", "ok resume aa11"},
		{"unmute b", "Mute bb22 false", "ok unmute bb22"},
		{"dtmf 5#", "SendDTMF bb22 5#", "ok dtmf bb22"},
		{"transfer a sip:carol@h", "Transfer aa11 sip:carol@h", "ok transfer aa11 sip:carol@h"},
		{"atransfer", "AttendedTransfer aa11 bb22", "ok atransfer aa11 bb22"},
		{"merge", "Merge [aa11 bb22]", "ok merge conf1 aa11 bb22"},
		{"record", "StartRecording bb22", "ok record bb22 /rec/bb22.wav"},
		{"dnd on", `SetDND "" true`, "ok dnd on"},
		{"calls", "", "  aa11 held outgoing sip:a@h\n  bb22 connected outgoing sip:b@h\n  cc33 incoming incoming sip:c@h\n3 calls\nok calls"},
		{"message bob see you  soon", `SendMessage work bob "see you  soon"`, "ok message m1"},
		{"voicemail", "DialVoicemail ", "ok voicemail vm1"},
		{"watch bob carol", "Watch [bob carol]", "ok watch bob carol"},
		{"unwatch", "Watch []", "ok unwatch"},
		{"pickup bob", "Pickup bob", "ok pickup p1"},
		{"mwi", "", "  work: 2 new, 1 old\nok mwi"},
		{"watch", "", "  sip:bob@h busy\nok watch"},
		{"split", "", "error: split: no call to split"},
		{"hold zz", "", `error: hold: no call "zz"`},
	} {
		fp := &fakePhone{calls: calls}
		cr := &consoleRunner{phone: fp, account: "work"}
		cmd, err := parseConsoleLine(c.line)
		if err != nil {
			t.Fatalf("%q: %v", c.line, err)
		}
		r := cr.run(context.Background(), cmd)
		if got := strings.Join(fp.did, "; "); got != c.did {
			t.Errorf("%q: phone did %q, want %q", c.line, got, c.did)
		}
		if got := r.human(); got != c.reply {
			t.Errorf("%q: reply %q, want %q", c.line, got, c.reply)
		}
	}
	// A phone error is the reply's error, word for word.
	fp := &fakePhone{calls: calls, err: errors.New("not implemented yet")}
	cmd, _ := parseConsoleLine("transfer bob")
	r := (&consoleRunner{phone: fp}).run(context.Background(), cmd)
	if r.OK || r.human() != "error: transfer: not implemented yet" {
		t.Errorf("stub error reply %q", r.human())
	}
	b, err := r.MarshalJSON()
	if err != nil || string(b) != `{"event":"reply","command":"transfer","ok":false,"error":"not implemented yet","call":"bb22"}` {
		t.Errorf("JSON reply %s %v", b, err)
	}
}
