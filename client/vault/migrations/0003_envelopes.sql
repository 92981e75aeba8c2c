-- Version 3 (SPEC §8): a note's current envelope in a table of its own, so
-- that writes of sync state alone (an acknowledged push, a revision seen)
-- rewrite a small row instead of one carrying the envelope.
CREATE TABLE envelopes (
	note_id  TEXT PRIMARY KEY REFERENCES notes (id) ON DELETE CASCADE,
	gen      INTEGER NOT NULL,
	envelope BLOB NOT NULL
);

INSERT INTO envelopes (note_id, gen, envelope)
	SELECT id, gen, envelope FROM notes WHERE envelope IS NOT NULL;

DROP INDEX notes_gen;
ALTER TABLE notes DROP COLUMN envelope;
ALTER TABLE notes DROP COLUMN gen;

CREATE INDEX envelopes_gen ON envelopes (gen);
