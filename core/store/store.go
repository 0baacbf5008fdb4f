// Package store keeps what the softphone must never lose: call history,
// contacts and speed dial, in one SQLite database (pure Go, so the same
// code builds for desktop and mobile). The database runs in WAL mode, its
// schema is migrated at open, and a file SQLite cannot read is moved aside,
// never deleted.
package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// FileName is the database's name in the data directory.
const FileName = "softphone.db"

// busyTimeout is how long a statement waits for another writer (the GUI and
// a CLI command may share the file).
const busyTimeout = 5 * time.Second

// maxConns bounds the connection pool: one writer at a time anyway, a few
// readers beside it (WAL).
const maxConns = 6

// Store is the open database. It is safe for concurrent use.
type Store struct {
	db     *sql.DB
	path   string
	pid    int
	owner  string // this Store's mark on the calls it writes
	notice string

	idxMu sync.Mutex
	idx   *contactIndex // contact search index, loaded on first use
}

// DefaultDir is the desktop data directory: the user config dir's softphone
// folder (mobile apps pass gioui.org/app.DataDir instead).
func DefaultDir() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("store: no data directory: %w", err)
	}
	return filepath.Join(dir, "softphone"), nil
}

// OpenDir opens (or creates) FileName in dir; see Open.
func OpenDir(ctx context.Context, dir string) (*Store, error) {
	return Open(ctx, filepath.Join(dir, FileName))
}

// Open opens (or creates) the database at path and migrates its schema.
// A file SQLite reports as corrupt or not a database is renamed to
// path.corrupt-TIMESTAMP and a fresh database started in its place; Notice
// then says so. Calls left unfinished by a process that no longer runs
// (a crash, a kill -9) are marked interrupted.
func Open(ctx context.Context, path string) (*Store, error) {
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("store: unsupported character in path %q", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	s, err := open(ctx, path)
	if err == nil {
		return s, nil
	}
	if !IsCorrupt(err) {
		return nil, err
	}
	moved, merr := moveAside(path, time.Now())
	if merr != nil {
		return nil, fmt.Errorf("store: %s is unreadable (%w) and could not be moved aside: %w", path, err, merr)
	}
	s, err2 := open(ctx, path)
	if err2 != nil {
		return nil, fmt.Errorf("store: fresh database after moving the unreadable one to %s: %w", moved, err2)
	}
	s.notice = fmt.Sprintf("The history and contacts database %s could not be read (%v). "+
		"It was moved to %s (nothing was deleted) and a new, empty database was started.", path, err, moved)
	return s, nil
}

func open(ctx context.Context, path string) (*Store, error) {
	dsn := fmt.Sprintf("file:%s?_busy_timeout=%d&_journal_mode=WAL&_synchronous=FULL&_foreign_keys=1&_txlock=immediate",
		path, busyTimeout.Milliseconds())
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	// Keep the connections: opening one re-runs the pragmas, which costs
	// more than most queries.
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	s := &Store{db: db, path: path, pid: os.Getpid()}
	s.owner = fmt.Sprintf("%d-%s", s.pid, rand.Text()[:10])
	if err := s.check(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.markInterrupted(ctx, false); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// check makes SQLite read the file: a random-bytes file fails here.
func (s *Store) check(ctx context.Context) error {
	var res string
	if err := s.db.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&res); err != nil {
		return fmt.Errorf("store: check %s: %w", s.path, err)
	}
	if res != "ok" {
		return fmt.Errorf("store: check %s: %w", s.path, &corruptError{res})
	}
	return nil
}

// corruptError is a quick_check failure.
type corruptError struct{ detail string }

func (e *corruptError) Error() string { return "database is damaged: " + e.detail }

// IsCorrupt reports whether err means the file is not a readable database
// (as opposed to, say, a permission problem, which moving would not fix).
func IsCorrupt(err error) bool {
	var ce *corruptError
	if errors.As(err, &ce) {
		return true
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
			return true
		}
	}
	return false
}

// moveAside renames path (and its -wal/-shm companions) with a timestamp.
func moveAside(path string, now time.Time) (string, error) {
	dst := path + ".corrupt-" + now.Format("20060102-150405")
	for i := 2; ; i++ {
		if _, err := os.Stat(dst); errors.Is(err, os.ErrNotExist) {
			break
		}
		dst = fmt.Sprintf("%s.corrupt-%s-%d", path, now.Format("20060102-150405"), i)
	}
	if err := os.Rename(path, dst); err != nil {
		return "", err
	}
	for _, sfx := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(path + sfx); err == nil {
			if err := os.Rename(path+sfx, dst+sfx); err != nil {
				return dst, err
			}
		}
	}
	return dst, nil
}

// Notice is the message to show the user once, "" when nothing happened
// (set when an unreadable database was moved aside).
func (s *Store) Notice() string { return s.notice }

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Close marks the calls this Store started and never saw end as
// interrupted, then closes the database.
func (s *Store) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), busyTimeout)
	defer cancel()
	err := s.markInterrupted(ctx, true)
	return errors.Join(err, s.db.Close())
}

// tx runs f in a transaction (BEGIN IMMEDIATE: writers queue up front).
func (s *Store) tx(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	if err := f(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// millis stores times as Unix milliseconds; zero stays NULL.
func millis(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

func fromMillis(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMilli(v.Int64)
}
