package store

import (
	"database/sql"
	"path/filepath"
	"testing"
	"time"
)

func TestMigrateFromEmpty(t *testing.T) {
	s := openTemp(t)
	ctx := testCtx(t)
	for _, table := range []string{"calls", "contacts", "numbers", "contacts_gen", "speed_dial"} {
		var n int
		if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?", table).Scan(&n); err != nil || n != 1 {
			t.Fatalf("table %s missing (%v)", table, err)
		}
	}
	// Migrating again is a no-op.
	if err := migrate(ctx, s.db); err != nil {
		t.Fatal(err)
	}
}

// v1 is the first shipped schema, written out by hand so that a change to
// the migrations cannot silently change what is being migrated from.
const v1ByHand = `
CREATE TABLE calls (id INTEGER PRIMARY KEY, call_id TEXT NOT NULL UNIQUE, direction TEXT NOT NULL,
	account TEXT NOT NULL DEFAULT '', remote_uri TEXT NOT NULL DEFAULT '', display_name TEXT NOT NULL DEFAULT '',
	state TEXT NOT NULL, started INTEGER NOT NULL, answered INTEGER, ended INTEGER,
	reason TEXT NOT NULL DEFAULT '', code INTEGER NOT NULL DEFAULT 0, codec TEXT NOT NULL DEFAULT '');
CREATE INDEX calls_started ON calls(started);
CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT NOT NULL, note TEXT NOT NULL DEFAULT '',
	favourite INTEGER NOT NULL DEFAULT 0);
CREATE TABLE numbers (id INTEGER PRIMARY KEY, contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
	label TEXT NOT NULL DEFAULT '', value TEXT NOT NULL);
PRAGMA user_version = 1;
`

func TestMigrateFromV1(t *testing.T) {
	ctx := testCtx(t)
	path := filepath.Join(t.TempDir(), FileName)
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC).UnixMilli()
	for _, q := range []string{
		v1ByHand,
		`INSERT INTO calls (call_id, direction, remote_uri, display_name, state, started, answered, ended, reason, code, codec) VALUES
			('out1', 'outgoing', 'sip:+44 20 7946 0958@pbx', '', 'ended', ?1, ?1 + 2000, ?1 + 62000, 'hung up', 0, 'opus'),
			('in1', 'incoming', 'sip:bob@pbx', 'Bob', 'ended', ?1 + 100000, NULL, ?1 + 110000, 'cancelled by caller', 487, ''),
			('in2', 'incoming', 'sip:bob@pbx', 'Bob', 'ended', ?1 + 200000, NULL, ?1 + 201000, 'rejected', 603, ''),
			('open', 'outgoing', 'sip:carol@pbx', '', 'connected', ?1 + 300000, ?1 + 301000, NULL, '', 0, 'pcmu')`,
		`INSERT INTO contacts (id, name, note, favourite) VALUES (1, 'Ada Lovelace', 'math', 1), (2, 'Bob Ross', '', 0)`,
		`INSERT INTO numbers (contact_id, label, value) VALUES (1, 'work', '+44 (20) 7946-0958'), (2, 'sip', 'sip:bob@pbx')`,
	} {
		if _, err := db.ExecContext(ctx, q, t0); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
	db.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var v int
	s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	if v != SchemaVersion() {
		t.Fatalf("version %d, want %d", v, SchemaVersion())
	}
	calls, err := s.Recent(ctx, 10)
	if err != nil || len(calls) != 4 {
		t.Fatalf("calls %v %v", calls, err)
	}
	byID := map[string]Call{}
	for _, c := range calls {
		byID[c.CallID] = c
	}
	if c := byID["out1"]; c.Duration != time.Minute || c.ContactName != "Ada Lovelace" || c.Missed {
		t.Fatalf("out1 %+v", c)
	}
	if c := byID["in1"]; !c.Missed || !c.Seen || c.ContactName != "Bob Ross" {
		t.Fatalf("in1 (missed before the upgrade, counted as seen) %+v", c)
	}
	if c := byID["in2"]; c.Missed {
		t.Fatalf("a rejected call is not missed: %+v", c)
	}
	if c := byID["open"]; !c.Interrupted || c.Reason != ReasonInterrupted || c.Ended.IsZero() {
		t.Fatalf("the v1 call left open was not marked interrupted: %+v", c)
	}
	if n, _ := s.UnseenMissed(ctx); n != 0 {
		t.Fatalf("unseen missed after upgrade %d", n)
	}
	// Search keys and normalised numbers were back-filled.
	for _, q := range []string{"love", "ada", "bob", "0044 20 79", "+442079"} {
		cs, err := s.SearchContacts(ctx, q, 10)
		if err != nil || len(cs) != 1 {
			t.Fatalf("search %q after migration: %v %v", q, cs, err)
		}
	}
	if c, ok, err := s.MatchNumber(ctx, "tel:+44-20-7946-0958"); err != nil || !ok || c.Name != "Ada Lovelace" || !c.Favourite || c.Note != "math" {
		t.Fatalf("caller ID after migration %+v %v %v", c, ok, err)
	}
}
