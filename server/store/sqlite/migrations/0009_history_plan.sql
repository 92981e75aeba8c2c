-- Keeping one more past revision of a note (SPEC §7.8) weighs the ones it
-- has: revision, time stored and length. This index holds exactly those,
-- so weighing a note's 100 kept revisions reads a few index entries
-- instead of the 50 or so table pages their blobs fill.
CREATE INDEX note_history_plan ON note_history(user_id, note_id, rev, stored, length(blob));
