-- Attachment blobs (SPEC §7.7, §11): the bytes live in the blob store, this
-- is their bookkeeping. Keyed by the owner's public uid, with no foreign
-- key: a deleted account's rows stay behind so the collector can remove
-- their blobs (an integer user id could be reused by a new account).
-- size is the declared blob size, counted in users.used_bytes from the
-- declaration until the row is collected.
CREATE TABLE attachments (
    user_uid TEXT    NOT NULL,
    id       TEXT    NOT NULL,
    size     INTEGER NOT NULL,
    complete INTEGER NOT NULL DEFAULT 0,
    created  INTEGER NOT NULL,
    released INTEGER,
    PRIMARY KEY (user_uid, id)
) WITHOUT ROWID;
CREATE INDEX attachments_released ON attachments(released) WHERE released IS NOT NULL;
