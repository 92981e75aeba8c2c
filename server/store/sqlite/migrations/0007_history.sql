-- Revision history (SPEC §7.8): notes.stored is when the current blob was
-- stored (unix seconds; 0 for rows written before this migration), and
-- note_history keeps the blobs a note had before, each with its revision.
ALTER TABLE notes ADD COLUMN stored INTEGER NOT NULL DEFAULT 0;
CREATE TABLE note_history (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    note_id TEXT    NOT NULL,
    rev     INTEGER NOT NULL,
    stored  INTEGER NOT NULL,
    blob    BLOB    NOT NULL
);
CREATE UNIQUE INDEX note_history_rev ON note_history(user_id, note_id, rev);
CREATE INDEX note_history_stored ON note_history(stored);
