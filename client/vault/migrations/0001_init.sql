-- Version 1 of the local vault (SPEC §8). Ciphertext and sync state only.
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value BLOB NOT NULL
);

CREATE TABLE account (
	id                   INTEGER PRIMARY KEY CHECK (id = 1),
	server_url           TEXT NOT NULL,
	pin                  TEXT NOT NULL,
	username             TEXT NOT NULL,
	user_id              TEXT NOT NULL,
	session_id           TEXT NOT NULL,
	kdf                  TEXT NOT NULL,
	wrapped_key          BLOB NOT NULL,
	recovery_wrapped_key BLOB,
	device_wrapped_key   BLOB,
	access_token         TEXT NOT NULL DEFAULT '',
	refresh_token        TEXT NOT NULL DEFAULT ''
);

CREATE TABLE notes (
	id            TEXT PRIMARY KEY,
	rev           INTEGER NOT NULL,
	envelope      BLOB,
	gen           INTEGER NOT NULL DEFAULT 0,
	base_rev      INTEGER NOT NULL DEFAULT 0,
	base_envelope BLOB,
	seen_rev      INTEGER NOT NULL DEFAULT 0,
	deleted       INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
);

CREATE INDEX notes_gen ON notes (gen) WHERE envelope IS NOT NULL;

CREATE TABLE pending (
	seq     INTEGER PRIMARY KEY AUTOINCREMENT,
	note_id TEXT NOT NULL UNIQUE REFERENCES notes (id) ON DELETE CASCADE,
	op      TEXT NOT NULL CHECK (op IN ('put', 'delete')),
	version INTEGER NOT NULL DEFAULT 1
);
