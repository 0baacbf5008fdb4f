package api

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/core/state"
)

// fakePhone is a phone whose events and state are a real state.Bus the
// test publishes to; the commands record what they were asked. Methods
// not overridden panic (the embedded nil interface): a route calling
// one is a test failure.
type fakePhone struct {
	core.Phone
	bus *state.Bus

	mu    sync.Mutex
	calls []string // "dial bob", "answer c1"...
	err   error    // returned by the commands when set
}

func newFakePhone(t *testing.T) *fakePhone {
	b := state.NewBus(state.Seed(config.Config{}, nil))
	t.Cleanup(b.Close)
	return &fakePhone{bus: b}
}

func (f *fakePhone) State() core.State                   { return f.bus.State() }
func (f *fakePhone) Events() (<-chan core.Event, func()) { return f.bus.Subscribe() }
func (f *fakePhone) record(s string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, s)
	return f.err
}
func (f *fakePhone) Answer(_ context.Context, id string) error { return f.record("answer " + id) }
func (f *fakePhone) Hangup(id string) error                    { return f.record("hangup " + id) }
func (f *fakePhone) Decline(id string) error                   { return f.record("decline " + id) }
func (f *fakePhone) Reject(id string, code int) error {
	return f.record("reject " + id + " " + strconv.Itoa(code))
}
func (f *fakePhone) Hold(_ context.Context, id string) error   { return f.record("hold " + id) }
func (f *fakePhone) Resume(_ context.Context, id string) error { return f.record("resume " + id) }
func (f *fakePhone) Mute(id string, on bool) error {
	if on {
		return f.record("mute " + id)
	}
	return f.record("unmute " + id)
}
func (f *fakePhone) SendDTMF(id, d string) error { return f.record("dtmf " + id + " " + d) }
func (f *fakePhone) Transfer(_ context.Context, id, to string) error {
	return f.record("transfer " + id + " " + to)
}
func (f *fakePhone) AttendedTransfer(_ context.Context, id, c string) error {
	return f.record("attended " + id + " " + c)
}
func (f *fakePhone) Merge(_ context.Context, ids ...string) (string, error) {
	return "conf1", f.record("merge " + strings.Join(ids, ","))
}
func (f *fakePhone) StartRecording(id string) (string, error) {
	return "/tmp/rec.wav", f.record("record " + id)
}
func (f *fakePhone) StopRecording(id string) error { return f.record("stoprecord " + id) }
func (f *fakePhone) Dial(_ context.Context, to string, o core.DialOptions) (string, error) {
	return "c9", f.record("dial " + to + " " + o.Account)
}
func (f *fakePhone) SendMessage(account, to, text string) (core.Message, error) {
	return core.Message{Key: "m1", Peer: to, Text: text, State: core.MessageSending}, f.record("message " + to + " " + text)
}
func (f *fakePhone) History(context.Context, core.HistoryQuery) ([]core.HistoryEntry, error) {
	return nil, core.ErrNoRecords
}
func (f *fakePhone) Contacts(_ context.Context, q core.ContactQuery) ([]core.Contact, error) {
	return []core.Contact{{ID: 1, Name: "Ann " + q.Search}}, f.record("contacts " + q.Search)
}

func (f *fakePhone) log() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}
