-- Version 2 (SPEC §8, §10): the device's view of the server's note set,
-- which the tamper-evident manifest is checked against.
CREATE TABLE server_notes (
	id        TEXT PRIMARY KEY,
	rev       INTEGER NOT NULL CHECK (rev > 0),
	deleted   INTEGER NOT NULL CHECK (deleted IN (0, 1)),
	blob_hash BLOB NOT NULL CHECK (length(blob_hash) = 32)
) WITHOUT ROWID;

-- The view starts empty: read the whole feed again to build it. Notes this
-- device already holds come back as echoes and are not decrypted again.
DELETE FROM meta WHERE key = 'cursor';
