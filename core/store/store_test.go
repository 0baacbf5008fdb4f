package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/core/call"
)

func testCtx(t testing.TB) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// openTemp opens a fresh store in a temporary directory.
func openTemp(t testing.TB) *Store {
	t.Helper()
	s, err := OpenDir(testCtx(t), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestStoreOpensInWALModeAtCurrentSchema(t *testing.T) {
	s := openTemp(t)
	ctx := testCtx(t)
	var mode string
	if err := s.db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode %q %v, want wal", mode, err)
	}
	var v int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil || v != SchemaVersion() {
		t.Fatalf("user_version %d %v, want %d", v, err, SchemaVersion())
	}
	if s.Notice() != "" {
		t.Fatalf("notice on a fresh database: %s", s.Notice())
	}
	if filepath.Base(s.Path()) != FileName {
		t.Fatalf("path %s", s.Path())
	}
}

func TestStoreReopenKeepsData(t *testing.T) {
	dir := t.TempDir()
	ctx := testCtx(t)
	s, err := OpenDir(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	c := Contact{Name: "Ada", Numbers: []Number{{Value: "+44 20 7946 0958"}}}
	if err := s.SaveContact(ctx, &c); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = OpenDir(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.ContactByID(ctx, c.ID)
	if err != nil || got.Name != "Ada" || len(got.Numbers) != 1 {
		t.Fatalf("after reopen: %+v %v", got, err)
	}
}

func TestCorruptDatabaseIsMovedAside(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	junk := make([]byte, 64*1024)
	rand.Read(junk)
	if err := os.WriteFile(path, junk, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	msg := s.Notice()
	if !strings.Contains(msg, "could not be read") || !strings.Contains(msg, ".corrupt-") || !strings.Contains(msg, "nothing was deleted") {
		t.Fatalf("notice %q", msg)
	}
	moved, _ := filepath.Glob(path + ".corrupt-*")
	if len(moved) != 1 {
		t.Fatalf("moved files %v", moved)
	}
	kept, err := os.ReadFile(moved[0])
	if err != nil || string(kept) != string(junk) {
		t.Fatalf("the unreadable file was not kept byte for byte (%v)", err)
	}
	if !strings.Contains(msg, moved[0]) {
		t.Fatalf("notice %q does not name %s", msg, moved[0])
	}
	// The fresh database works.
	if err := s.RecordCall(ctx, call.Info{ID: "x", Direction: call.Outgoing, Remote: call.Party{URI: "sip:a@b"}, Started: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if n, err := s.CountCalls(ctx, false); err != nil || n != 1 {
		t.Fatalf("count %d %v", n, err)
	}
}

func TestCorruptTruncatedDatabaseIsMovedAside(t *testing.T) {
	dir := t.TempDir()
	ctx := testCtx(t)
	s, err := OpenDir(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 300 {
		c := Contact{Name: strings.Repeat("x", 200) + string(rune('a'+i%26)), Numbers: []Number{{Value: "1000" + string(rune('0'+i%10))}}}
		if err := s.SaveContact(ctx, &c); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	path := filepath.Join(dir, FileName)
	data, _ := os.ReadFile(path)
	// Keep the header, scramble the pages behind it.
	rand.Read(data[4096:])
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err = OpenDir(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Notice() == "" {
		t.Fatal("no notice for a damaged database")
	}
	if n, err := s.CountContacts(ctx, ContactQuery{}); err != nil || n != 0 {
		t.Fatalf("fresh database has %d contacts (%v)", n, err)
	}
}

func TestStoreRefusesANewerSchema(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE future (x); PRAGMA user_version = 999"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = Open(testCtx(t), path)
	if !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("err %v, want ErrNewerSchema", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the newer database must stay in place: %v", err)
	}
}

func TestStoreUnwritableDirectoryIsAnError(t *testing.T) {
	// A directory path that runs through a regular file cannot be created,
	// even by root (who ignores permission bits, as CI runs).
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(testCtx(t), filepath.Join(blocker, "sub", FileName))
	if err == nil {
		t.Fatal("opened a database under a regular file")
	}
	if IsCorrupt(err) {
		t.Fatalf("an unusable path taken for corruption: %v", err)
	}
	if b, _ := os.ReadFile(blocker); string(b) != "x" {
		t.Fatal("the file in the way was changed")
	}
}
