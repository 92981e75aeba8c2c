-- Users: one row per account. id is the internal key; uid the public UUID.
CREATE TABLE users (
    id                   INTEGER PRIMARY KEY,
    uid                  TEXT    NOT NULL UNIQUE,
    username             TEXT    NOT NULL UNIQUE,
    auth_hash            BLOB    NOT NULL,
    recovery_hash        BLOB    NOT NULL,
    kdf                  TEXT    NOT NULL,
    wrapped_key          BLOB    NOT NULL,
    recovery_wrapped_key BLOB    NOT NULL,
    successor            BLOB,
    disabled             INTEGER NOT NULL DEFAULT 0,
    seq                  INTEGER NOT NULL DEFAULT 0,
    used_bytes           INTEGER NOT NULL DEFAULT 0,
    manifest_version     INTEGER NOT NULL DEFAULT 0,
    manifest             BLOB,
    created              INTEGER NOT NULL
);

-- Sessions: one per signed-in device. refresh_hash is SHA-256 of the
-- current refresh token.
CREATE TABLE sessions (
    id           TEXT    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    device_name  TEXT    NOT NULL,
    refresh_hash BLOB    NOT NULL UNIQUE,
    created      INTEGER NOT NULL,
    last_seen    INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Spent refresh tokens (SHA-256), kept to detect reuse of a stolen token.
CREATE TABLE spent_refresh (
    hash       BLOB PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX spent_refresh_session ON spent_refresh(session_id);

-- Notes: the latest state of each note; blob is NULL for a tombstone.
-- A rowid table (not WITHOUT ROWID): blobs of a KiB and more would make a
-- clustered b-tree's pages hold two or three rows each.
CREATE TABLE notes (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    id      TEXT    NOT NULL,
    rev     INTEGER NOT NULL,
    seq     INTEGER NOT NULL,
    blob    BLOB
);
CREATE UNIQUE INDEX notes_user_id ON notes(user_id, id);
CREATE UNIQUE INDEX notes_user_seq ON notes(user_id, seq);
