package call

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestOutgoingLifecycle(t *testing.T) {
	var seen []State
	clock := time.Unix(1000, 0)
	m := New("c1", Outgoing, "office", Party{URI: "sip:bob@example.com"}, func(i Info) { seen = append(seen, i.State) }, func() time.Time { return clock })
	steps := []func() error{
		m.Ringing,
		m.Ringing, // a second 180/183 changes nothing and is no error
		func() error { return m.Answered("opus") },
		func() error { return m.SetHold(true, true) },
		func() error { return m.SetHold(false, true) },
		func() error { return m.SetHold(true, false) },
		func() error { return m.SetHold(false, false) },
		func() error { return m.End("remote hung up", 0) },
	}
	for i, f := range steps {
		if err := f(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	want := []State{Ringing, Connected, Held, Held, RemoteHeld, Connected, Ended}
	if len(seen) != len(want) {
		t.Fatalf("states %v, want %v", seen, want)
	}
	for i := range want {
		if seen[i] != want[i] {
			t.Fatalf("states %v, want %v", seen, want)
		}
	}
	info := m.Info()
	if info.Codec != "opus" || info.Answered != clock || info.EndedAt != clock || info.Reason != "remote hung up" {
		t.Fatalf("info %+v", info)
	}
}

func TestInvalidTransitions(t *testing.T) {
	m := New("c2", Inbound, "", Party{URI: "sip:alice@10.0.0.1"}, nil, nil)
	if err := m.Ringing(); !errors.Is(err, ErrTransition) {
		t.Fatalf("incoming call went to ringing-remote: %v", err)
	}
	if err := m.SetHold(true, true); !errors.Is(err, ErrTransition) {
		t.Fatalf("held an unanswered call: %v", err)
	}
	if err := m.End("rejected", 486); err != nil {
		t.Fatal(err)
	}
	for _, f := range []func() error{func() error { return m.Answered("pcmu") }, func() error { return m.End("again", 0) }, func() error { return m.SetMuted(true) }} {
		if err := f(); !errors.Is(err, ErrTransition) {
			t.Fatalf("change after end: %v", err)
		}
	}
	if info := m.Info(); info.State != Ended || info.Code != 486 {
		t.Fatalf("info %+v", info)
	}
}

// Changes made on several goroutines reach the observer in the order they
// were made: the last event is the final state.
func TestNotifyOrder(t *testing.T) {
	for round := 0; round < 200; round++ {
		var mu sync.Mutex
		var seen []Info
		m := New("c", Outgoing, "", Party{URI: "sip:x@y"}, func(i Info) {
			time.Sleep(time.Duration(round%3) * time.Microsecond) // widen the window
			mu.Lock()
			seen = append(seen, i)
			mu.Unlock()
		}, nil)
		_ = m.Answered("opus")
		var wg sync.WaitGroup
		for k := 0; k < 4; k++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_ = m.Update(func(i *Info) { i.Conference = fmt.Sprint("conf", k) })
			}()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = m.End("hung up", 0)
		}()
		wg.Wait()
		mu.Lock()
		last := seen[len(seen)-1]
		mu.Unlock()
		if last != m.Info() {
			t.Fatalf("round %d: last event %+v, machine %+v", round, last, m.Info())
		}
	}
}

// Encryption may be settled before the answer (early media, SDES in the
// 183) or after it (DTLS finishing), is reported, and stays once ended.
func TestSetEncryption(t *testing.T) {
	var seen []Info
	m := New("c3", Outgoing, "", Party{URI: "sip:bob@example.com"}, func(i Info) { seen = append(seen, i) }, nil)
	if err := m.Ringing(); err != nil {
		t.Fatal(err)
	}
	if err := m.SetEncryption(EncryptionSRTP); err != nil {
		t.Fatalf("while ringing: %v", err)
	}
	if err := m.Answered("pcmu"); err != nil {
		t.Fatal(err)
	}
	if got := m.Info(); got.Encryption != EncryptionSRTP || got.State != Connected {
		t.Fatalf("answer lost the encryption: %+v", got)
	}
	if err := m.SetHold(true, true); err != nil {
		t.Fatal(err)
	}
	if err := m.SetEncryption(EncryptionDTLS); err != nil {
		t.Fatalf("while held: %v", err)
	}
	n := len(seen)
	if err := m.SetEncryption(EncryptionDTLS); err != nil || len(seen) != n {
		t.Fatalf("setting the same value: %v, %d events after %d", err, len(seen), n)
	}
	last := seen[len(seen)-1]
	if last.Encryption != EncryptionDTLS || last.State != Held {
		t.Fatalf("last event %+v", last)
	}
	if err := m.End("hung up", 0); err != nil {
		t.Fatal(err)
	}
	if err := m.SetEncryption(EncryptionNone); !errors.Is(err, ErrTransition) {
		t.Fatalf("after the end: %v", err)
	}
	if got := m.Info().Encryption; got != EncryptionDTLS {
		t.Fatalf("encryption after end %q", got)
	}

	in := New("c4", Inbound, "", Party{URI: "sip:alice@example.com"}, nil, nil)
	if err := in.SetEncryption(EncryptionNone); err != nil || in.Info().Encryption != EncryptionNone {
		t.Fatalf("incoming: %v %+v", err, in.Info())
	}
}

func TestEncryptionJSON(t *testing.T) {
	i := Info{ID: "x", Encryption: EncryptionDTLS}
	b, err := i.MarshalJSON()
	if err != nil || !strings.Contains(string(b), `"encryption":"dtls-srtp"`) {
		t.Fatalf("%s %v", b, err)
	}
	i.Encryption = ""
	if b, _ := i.MarshalJSON(); strings.Contains(string(b), "encryption") {
		t.Fatalf("empty encryption marshalled: %s", b)
	}
}

func TestMissed(t *testing.T) {
	at := time.Unix(1000, 0)
	for _, tt := range []struct {
		name string
		info Info
		want bool
	}{
		{"unanswered incoming, caller gave up", Info{Direction: Inbound, State: Ended, Reason: "remote hung up"}, true},
		{"unanswered incoming, forwarded on no answer", Info{Direction: Inbound, State: Ended, Reason: "forwarded", Code: 302}, true},
		{"declined by us", Info{Direction: Inbound, State: Ended, Reason: "rejected", Code: 603}, false},
		{"answered", Info{Direction: Inbound, State: Ended, Answered: at}, false},
		{"still ringing", Info{Direction: Inbound, State: Incoming}, false},
		{"outgoing not answered", Info{Direction: Outgoing, State: Ended, Reason: "busy"}, false},
	} {
		if got := tt.info.Missed(); got != tt.want {
			t.Errorf("%s: Missed() = %v, want %v", tt.name, got, tt.want)
		}
	}
}
