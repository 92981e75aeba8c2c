-- Key rotation successors (SPEC §3): every one is kept, not only the last,
-- so a device or a recovery holding any older generation can walk the
-- chain forward. id orders them, oldest first. A rowid table: a successor
-- is a wrapped bundle of up to 2.3 KiB.
CREATE TABLE successors (
    id      INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    blob    BLOB    NOT NULL
);
CREATE INDEX successors_user ON successors(user_id, id);
INSERT INTO successors (user_id, blob) SELECT id, successor FROM users WHERE successor IS NOT NULL ORDER BY id;
ALTER TABLE users DROP COLUMN successor;
