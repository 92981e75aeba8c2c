-- Tombstone retention (SPEC §7.6): a tombstone's notes.stored is when the
-- note was deleted; users.compacted_seq is the highest sequence of a
-- tombstone compacted away, below which a change-feed cursor is refused
-- (410 cursor_compacted, SPEC §7.3). Tombstones written before 0007 have
-- stored = 0: their retention starts now.
ALTER TABLE users ADD COLUMN compacted_seq INTEGER NOT NULL DEFAULT 0;
UPDATE notes SET stored = CAST(strftime('%s', 'now') AS INTEGER) WHERE blob IS NULL AND stored = 0;
CREATE INDEX notes_tombstones ON notes(stored) WHERE blob IS NULL;
