package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/core/call"
)

// The history keeps the call's encryption, whenever the phone learnt it,
// and a later event without it does not erase it.
func TestHistoryKeepsEncryption(t *testing.T) {
	s := openTemp(t)
	ctx := testCtx(t)
	var infos []call.Info
	m := call.New("enc", call.Outgoing, "work", call.Party{URI: "sip:bob@pbx"}, func(i call.Info) { infos = append(infos, i) }, nil)
	m.Ringing()
	m.SetEncryption(call.EncryptionSRTP)
	m.Answered("pcmu")
	m.End("hung up", 0)
	for _, i := range infos {
		if err := s.RecordCall(ctx, i); err != nil {
			t.Fatal(err)
		}
	}
	// A late event from before the media was agreed.
	early := infos[0]
	early.Encryption = ""
	if err := s.RecordCall(ctx, early); err != nil {
		t.Fatal(err)
	}
	c, err := s.CallByCallID(ctx, "enc")
	if err != nil {
		t.Fatal(err)
	}
	if c.Encryption != call.EncryptionSRTP || c.Codec != "pcmu" {
		t.Fatalf("call %+v", c)
	}
	b, err := json.Marshal(c)
	if err != nil || !strings.Contains(string(b), `"encryption":"srtp"`) {
		t.Fatalf("JSON %s %v", b, err)
	}

	plain := call.New("plain", call.Inbound, "", call.Party{URI: "sip:ann@pbx"}, nil, nil)
	if err := s.RecordCall(ctx, plain.Info()); err != nil {
		t.Fatal(err)
	}
	c, _ = s.CallByCallID(ctx, "plain")
	if b, _ := json.Marshal(c); c.Encryption != "" || strings.Contains(string(b), "encryption") {
		t.Fatalf("a call without encryption: %+v %s", c, b)
	}
}

// A database at schema 3 (before encryption was kept) upgrades and keeps
// its calls, which say nothing of their encryption.
func TestMigrateFromV3(t *testing.T) {
	ctx := testCtx(t)
	path := filepath.Join(t.TempDir(), FileName)
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	// Shipped migrations are never edited: the first three are schema 3.
	if _, err := db.ExecContext(ctx, v1ByHand); err != nil {
		t.Fatal(err)
	}
	for v := 1; v < 3; v++ {
		if err := applyOne(ctx, db, v); err != nil {
			t.Fatal(err)
		}
	}
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC).UnixMilli()
	if _, err := db.ExecContext(ctx, `INSERT INTO calls (call_id, direction, remote_uri, state, started, answered, ended,
		reason, codec, updated, duration_ms, recording) VALUES
		('old1', 'outgoing', 'sip:ada@pbx', 'ended', ?1, ?1 + 1000, ?1 + 31000, 'hung up', 'opus', ?1 + 31000, 30000, '/rec/a.wav'),
		('old2', 'incoming', 'sip:bob@pbx', 'ended', ?1 + 60000, ?1 + 61000, ?1 + 62000, 'remote hung up', 'pcma', ?1 + 62000, 1000, '')`, t0); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var v int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil || v != SchemaVersion() || v < 4 {
		t.Fatalf("version %d (%v), want %d", v, err, SchemaVersion())
	}
	calls, err := s.Recent(ctx, 10)
	if err != nil || len(calls) != 2 {
		t.Fatalf("calls %+v %v", calls, err)
	}
	if c := calls[1]; c.CallID != "old1" || c.Codec != "opus" || c.Recording != "/rec/a.wav" || c.Duration != 30*time.Second || c.Encryption != "" {
		t.Fatalf("old1 after upgrade %+v", c)
	}
	if c := calls[0]; c.CallID != "old2" || c.Codec != "pcma" || c.Encryption != "" {
		t.Fatalf("old2 after upgrade %+v", c)
	}
	// Calls recorded after the upgrade keep theirs.
	i := call.Info{ID: "new", Direction: call.Outgoing, Remote: call.Party{URI: "sip:carol@pbx"}, State: call.Connected,
		Codec: "opus", Encryption: call.EncryptionDTLS, Started: time.Now(), Answered: time.Now()}
	if err := s.RecordCall(ctx, i); err != nil {
		t.Fatal(err)
	}
	if c, err := s.CallByCallID(ctx, "new"); err != nil || c.Encryption != call.EncryptionDTLS {
		t.Fatalf("new call %+v %v", c, err)
	}
}

// applyOne runs migration v (to version v+1) as migrate does.
func applyOne(ctx context.Context, db *sql.DB, v int) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := migrations[v](ctx, tx); err != nil {
		return fmt.Errorf("to version %d: %w", v+1, err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v+1)); err != nil {
		return err
	}
	return tx.Commit()
}
