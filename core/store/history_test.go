package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/softphone/softphone/core/call"
)

// lifecycle records a call through the state machine, as the phone does.
func lifecycle(t testing.TB, s *Store, id string, dir call.Direction, answer bool, endReason string, code int) {
	t.Helper()
	ctx := testCtx(t)
	var infos []call.Info
	m := call.New(id, dir, "work", call.Party{URI: "sip:+44 20 7946 0958@pbx", DisplayName: "Caller"},
		func(i call.Info) { infos = append(infos, i) }, nil)
	record := func(i call.Info) {
		if err := s.RecordCall(ctx, i); err != nil {
			t.Fatal(err)
		}
	}
	record(m.Info())
	if dir == call.Outgoing {
		m.Ringing()
	}
	if answer {
		m.Answered("opus")
		m.SetHold(true, true)
		m.SetHold(true, false)
		m.SetHold(true, true)
		m.SetHold(true, false)
	}
	m.End(endReason, code)
	for _, i := range infos {
		record(i)
	}
}

func TestHistoryRecordsEachStateChange(t *testing.T) {
	s := openTemp(t)
	ctx := testCtx(t)
	ada := addContact(t, s, "Ada Lovelace", "+44 20 7946 0958")
	lifecycle(t, s, "c1", call.Outgoing, true, "hung up", 0)
	if err := s.RecordQuality(ctx, "c1", Quality{PacketsSent: 500, PacketsReceived: 498, Lost: 2, JitterMS: 3.5, RTTMS: 40}); err != nil {
		t.Fatal(err)
	}
	lifecycle(t, s, "c2", call.Inbound, false, "cancelled by caller", 487)
	lifecycle(t, s, "c3", call.Inbound, false, "rejected", 603)
	lifecycle(t, s, "c4", call.Inbound, true, "remote hung up", 0)

	calls, err := s.Recent(ctx, 10)
	if err != nil || len(calls) != 4 {
		t.Fatalf("%v %v", calls, err)
	}
	c4, c3, c2, c1 := calls[0], calls[1], calls[2], calls[3]
	if c1.CallID != "c1" || !c1.Outgoing() || c1.State != "ended" || c1.Answered.IsZero() || c1.Codec != "opus" ||
		c1.Holds != 2 || c1.Reason != "hung up" || c1.Quality.PacketsReceived != 498 || c1.Quality.JitterMS != 3.5 ||
		c1.Account != "work" || c1.DisplayName != "Caller" || c1.Missed || c1.Ongoing() {
		t.Fatalf("c1 %+v", c1)
	}
	if c1.ContactName != ada.Name || c1.Name() != ada.Name {
		t.Fatalf("caller ID in history: %q", c1.ContactName)
	}
	if !c2.Missed || c2.Seen || c2.Code != 487 {
		t.Fatalf("c2 (missed) %+v", c2)
	}
	if c3.Missed || c4.Missed {
		t.Fatalf("rejected or answered calls are not missed: %+v %+v", c3, c4)
	}
	if n, _ := s.UnseenMissed(ctx); n != 1 {
		t.Fatalf("unseen missed %d", n)
	}
	if ms, _ := s.History(ctx, HistoryQuery{Missed: true}); len(ms) != 1 || ms[0].CallID != "c2" {
		t.Fatalf("missed only %+v", ms)
	}
	if err := s.MarkMissedSeen(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.UnseenMissed(ctx); n != 0 {
		t.Fatalf("unseen missed after seen %d", n)
	}
	// JSON form (CLI --json).
	b, _ := json.Marshal(c1)
	for _, want := range []string{`"direction":"outgoing"`, `"contact":"Ada Lovelace"`, `"duration_s":`, `"packets_received":498`} {
		if !strings.Contains(string(b), want) {
			t.Fatalf("JSON %s lacks %s", b, want)
		}
	}
	// Delete one, then all.
	if err := s.DeleteCall(ctx, c3.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CallByID(ctx, c3.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted call: %v", err)
	}
	if err := s.ClearHistory(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.CountCalls(ctx, false); n != 0 {
		t.Fatalf("%d calls after clear", n)
	}
}

func TestHistoryPagesNewestFirst(t *testing.T) {
	s := openTemp(t)
	ctx := testCtx(t)
	for i := range 250 {
		info := call.Info{ID: fmt.Sprint(i), Direction: call.Outgoing, Remote: call.Party{URI: fmt.Sprintf("sip:%d@pbx", i)},
			State: call.Ended, Started: time.Unix(int64(i), 0), EndedAt: time.Unix(int64(i)+1, 0)}
		if err := s.RecordCall(ctx, info); err != nil {
			t.Fatal(err)
		}
	}
	var all []Call
	var before int64
	for {
		page, err := s.History(ctx, HistoryQuery{Limit: 100, Before: before})
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		all = append(all, page...)
		before = page[len(page)-1].ID
	}
	if len(all) != 250 || all[0].CallID != "249" || all[249].CallID != "0" {
		t.Fatalf("%d calls, first %s", len(all), all[0].CallID)
	}
}

// TestHistoryConcurrentWriterAndReaders is the core writing history while
// the GUI reads it (run with -race).
func TestHistoryConcurrentWriterAndReaders(t *testing.T) {
	s := openTemp(t)
	ctx := testCtx(t)
	const calls = 30
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(stop)
		for i := range calls {
			m := call.New(fmt.Sprintf("w%d", i), call.Inbound, "", call.Party{URI: fmt.Sprintf("sip:%d@pbx", i)}, nil, nil)
			steps := []func(){func() {}, func() { m.Answered("pcmu") }, func() { m.End("remote hung up", 0) }}
			for _, step := range steps {
				step()
				if err := s.RecordCall(ctx, m.Info()); err != nil {
					errs <- err
					return
				}
			}
		}
	}()
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				page, err := s.Recent(ctx, 50)
				if err != nil {
					errs <- err
					return
				}
				for _, c := range page {
					if c.CallID == "" || c.Started.IsZero() {
						errs <- fmt.Errorf("half-written row %+v", c)
						return
					}
				}
				if _, err := s.UnseenMissed(ctx); err != nil {
					errs <- err
					return
				}
				time.Sleep(time.Millisecond) // a GUI reads on events, not in a loop
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n, _ := s.CountCalls(ctx, false); n != calls {
		t.Fatalf("%d calls, want %d", n, calls)
	}
}

func TestHistoryCloseMarksOwnUnfinishedCallsInterrupted(t *testing.T) {
	dir := t.TempDir()
	ctx := testCtx(t)
	s, err := OpenDir(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	m := call.New("open", call.Inbound, "", call.Party{URI: "sip:bob@pbx"}, nil, nil)
	s.RecordCall(ctx, m.Info())
	s.Close()
	s, err = OpenDir(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, err := s.CallByCallID(ctx, "open")
	if err != nil || !c.Interrupted || !c.Missed || c.Seen || c.Ongoing() {
		t.Fatalf("%+v %v", c, err)
	}
}

func TestHistoryLiveCallOfAnotherProcessIsLeftAlone(t *testing.T) {
	dir := t.TempDir()
	ctx := testCtx(t)
	a, err := OpenDir(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	m := call.New("live", call.Outgoing, "", call.Party{URI: "sip:bob@pbx"}, nil, nil)
	if err := a.RecordCall(ctx, m.Info()); err != nil {
		t.Fatal(err)
	}
	// A second opener (the CLI beside the GUI) must not end a call whose
	// process still runs.
	b, err := OpenDir(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if c, _ := b.CallByCallID(ctx, "live"); c.Interrupted || !c.Ongoing() {
		t.Fatalf("live call touched: %+v", c)
	}
	// A call owned by a process that is gone is ended.
	if _, err := a.db.ExecContext(ctx, "UPDATE calls SET owner_pid = 0x7ffffffe, owner = 'gone' WHERE call_id = 'live'"); err != nil {
		t.Fatal(err)
	}
	if err := b.markInterrupted(ctx, false); err != nil {
		t.Fatal(err)
	}
	if c, _ := b.CallByCallID(ctx, "live"); !c.Interrupted {
		t.Fatalf("dead owner's call not interrupted: %+v", c)
	}
}
