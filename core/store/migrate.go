package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ErrNewerSchema is returned for a database written by a newer softphone:
// it is left untouched rather than guessed at.
var ErrNewerSchema = errors.New("store: the database was written by a newer version of softphone")

// migration brings the schema from version i to i+1 (index i).
type migration func(ctx context.Context, tx *sql.Tx) error

// migrations in order; the schema version is len(migrations). Never edit a
// shipped one: append.
var migrations = []migration{
	sqlMigration(schemaV1),
	migrateV2,
	sqlMigration(schemaV3),
	sqlMigration(schemaV4),
}

// SchemaVersion is the version Open migrates to.
func SchemaVersion() int { return len(migrations) }

func sqlMigration(stmts string) migration {
	return func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, stmts)
		return err
	}
}

// migrate applies the pending migrations, each in its own transaction that
// also bumps user_version, so a crash leaves the schema at a known version.
func migrate(ctx context.Context, db *sql.DB) error {
	for {
		done := false
		err := func() error {
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			defer tx.Rollback()
			var v int
			if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
				return err
			}
			switch {
			case v > len(migrations):
				return fmt.Errorf("%w (schema %d, this version knows %d)", ErrNewerSchema, v, len(migrations))
			case v == len(migrations):
				done = true
				return tx.Commit()
			}
			if err := migrations[v](ctx, tx); err != nil {
				return fmt.Errorf("to version %d: %w", v+1, err)
			}
			if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v+1)); err != nil {
				return err
			}
			return tx.Commit()
		}()
		if err != nil {
			return fmt.Errorf("store: migrate: %w", err)
		}
		if done {
			return nil
		}
	}
}

// schemaV1 is the first schema: calls, contacts and their numbers.
const schemaV1 = `
CREATE TABLE calls (
	id           INTEGER PRIMARY KEY,
	call_id      TEXT NOT NULL UNIQUE,
	direction    TEXT NOT NULL,
	account      TEXT NOT NULL DEFAULT '',
	remote_uri   TEXT NOT NULL DEFAULT '',
	display_name TEXT NOT NULL DEFAULT '',
	state        TEXT NOT NULL,
	started      INTEGER NOT NULL,
	answered     INTEGER,
	ended        INTEGER,
	reason       TEXT NOT NULL DEFAULT '',
	code         INTEGER NOT NULL DEFAULT 0,
	codec        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX calls_started ON calls(started);
CREATE TABLE contacts (
	id        INTEGER PRIMARY KEY,
	name      TEXT NOT NULL,
	note      TEXT NOT NULL DEFAULT '',
	favourite INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE numbers (
	id         INTEGER PRIMARY KEY,
	contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
	label      TEXT NOT NULL DEFAULT '',
	value      TEXT NOT NULL
);
`

// schemaV2 adds missed/seen/interrupted flags, quality figures and the
// process owning an unfinished call; BLF, sort keys, normalised numbers
// and speed dial.
const schemaV2 = `
ALTER TABLE calls ADD COLUMN updated INTEGER;
ALTER TABLE calls ADD COLUMN missed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE calls ADD COLUMN seen INTEGER NOT NULL DEFAULT 1;
ALTER TABLE calls ADD COLUMN interrupted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE calls ADD COLUMN hold_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE calls ADD COLUMN duration_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE calls ADD COLUMN remote_norm TEXT NOT NULL DEFAULT '';
ALTER TABLE calls ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE calls ADD COLUMN owner_pid INTEGER NOT NULL DEFAULT 0;
ALTER TABLE calls ADD COLUMN packets_sent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE calls ADD COLUMN packets_received INTEGER NOT NULL DEFAULT 0;
ALTER TABLE calls ADD COLUMN lost INTEGER NOT NULL DEFAULT 0;
ALTER TABLE calls ADD COLUMN jitter_ms REAL NOT NULL DEFAULT 0;
ALTER TABLE calls ADD COLUMN rtt_ms REAL NOT NULL DEFAULT 0;
ALTER TABLE calls ADD COLUMN remote_loss REAL NOT NULL DEFAULT 0;
ALTER TABLE calls ADD COLUMN concealed INTEGER NOT NULL DEFAULT 0;
CREATE INDEX calls_unseen ON calls(missed, seen);
CREATE INDEX calls_open ON calls(owner_pid) WHERE ended IS NULL;

ALTER TABLE contacts ADD COLUMN blf INTEGER NOT NULL DEFAULT 0;
ALTER TABLE contacts ADD COLUMN uid TEXT NOT NULL DEFAULT '';
ALTER TABLE contacts ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
CREATE INDEX contacts_name ON contacts(name_key, id);
CREATE INDEX contacts_fav ON contacts(favourite) WHERE favourite = 1;

ALTER TABLE numbers ADD COLUMN norm TEXT NOT NULL DEFAULT '';
ALTER TABLE numbers ADD COLUMN tail TEXT NOT NULL DEFAULT '';
ALTER TABLE numbers ADD COLUMN pos INTEGER NOT NULL DEFAULT 0;
CREATE INDEX numbers_contact ON numbers(contact_id, pos);
CREATE INDEX numbers_norm ON numbers(norm);
CREATE INDEX numbers_tail ON numbers(tail);

-- contacts_gen changes with every change of a contact or number, from any
-- process: the in-memory search index reloads when it moved.
CREATE TABLE contacts_gen (gen INTEGER NOT NULL);
INSERT INTO contacts_gen VALUES (0);
CREATE TRIGGER contacts_gen_ins AFTER INSERT ON contacts BEGIN UPDATE contacts_gen SET gen = gen + 1; END;
CREATE TRIGGER contacts_gen_upd AFTER UPDATE ON contacts BEGIN UPDATE contacts_gen SET gen = gen + 1; END;
CREATE TRIGGER contacts_gen_del AFTER DELETE ON contacts BEGIN UPDATE contacts_gen SET gen = gen + 1; END;
CREATE TRIGGER numbers_gen_ins AFTER INSERT ON numbers BEGIN UPDATE contacts_gen SET gen = gen + 1; END;
CREATE TRIGGER numbers_gen_upd AFTER UPDATE ON numbers BEGIN UPDATE contacts_gen SET gen = gen + 1; END;
CREATE TRIGGER numbers_gen_del AFTER DELETE ON numbers BEGIN UPDATE contacts_gen SET gen = gen + 1; END;

CREATE TABLE speed_dial (
	slot       INTEGER PRIMARY KEY CHECK (slot >= 1),
	number     TEXT NOT NULL,
	label      TEXT NOT NULL DEFAULT '',
	contact_id INTEGER REFERENCES contacts(id) ON DELETE SET NULL
);
`

// migrateV2 applies schemaV2 and fills the new columns of existing rows
// (search keys and normalised numbers are computed in Go).
func migrateV2(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, schemaV2); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE calls SET
		updated = COALESCE(ended, answered, started),
		missed = (direction = 'incoming' AND answered IS NULL AND ended IS NOT NULL AND reason <> 'rejected'),
		duration_ms = CASE WHEN answered IS NOT NULL AND ended IS NOT NULL THEN ended - answered ELSE 0 END`); err != nil {
		return err
	}
	if err := backfill(ctx, tx, "SELECT id, remote_uri FROM calls", func(id int64, v string) error {
		_, err := tx.ExecContext(ctx, "UPDATE calls SET remote_norm = ? WHERE id = ?", Normalize(v), id)
		return err
	}); err != nil {
		return err
	}
	if err := backfill(ctx, tx, "SELECT id, value FROM numbers", func(id int64, v string) error {
		n := Normalize(v)
		_, err := tx.ExecContext(ctx, "UPDATE numbers SET norm = ?, tail = ?, pos = id WHERE id = ?", n, tail(n), id)
		return err
	}); err != nil {
		return err
	}
	return backfill(ctx, tx, "SELECT id, name FROM contacts", func(id int64, name string) error {
		_, err := tx.ExecContext(ctx, "UPDATE contacts SET name_key = ? WHERE id = ?", foldName(name), id)
		return err
	})
}

// backfill runs f on each (id, text) row of query, read fully first.
func backfill(ctx context.Context, tx *sql.Tx, query string, f func(int64, string) error) error {
	rows, err := tx.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	type row struct {
		id int64
		v  string
	}
	var all []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.v); err != nil {
			rows.Close()
			return err
		}
		all = append(all, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, r := range all {
		if err := f(r.id, r.v); err != nil {
			return err
		}
	}
	return nil
}

// schemaV3 adds call recordings and SIP MESSAGE conversations.
const schemaV3 = `
ALTER TABLE calls ADD COLUMN recording TEXT NOT NULL DEFAULT '';

CREATE TABLE messages (
	id           INTEGER PRIMARY KEY,
	account      TEXT NOT NULL DEFAULT '',
	peer         TEXT NOT NULL,
	peer_norm    TEXT NOT NULL DEFAULT '',
	direction    TEXT NOT NULL,
	body         TEXT NOT NULL,
	content_type TEXT NOT NULL DEFAULT 'text/plain',
	state        TEXT NOT NULL,
	code         INTEGER NOT NULL DEFAULT 0,
	reason       TEXT NOT NULL DEFAULT '',
	at           INTEGER NOT NULL,
	read         INTEGER NOT NULL DEFAULT 0,
	sip_call_id  TEXT NOT NULL DEFAULT '',
	msg_key      TEXT NOT NULL
);
CREATE UNIQUE INDEX messages_key ON messages(msg_key);
CREATE INDEX messages_peer ON messages(peer_norm, at);
CREATE INDEX messages_unread ON messages(peer_norm) WHERE read = 0;
`

// schemaV4 keeps how each call's media was protected (call.Info.Encryption);
// calls from before it say nothing ("").
const schemaV4 = `
ALTER TABLE calls ADD COLUMN encryption TEXT NOT NULL DEFAULT '';
`
