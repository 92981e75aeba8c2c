-- Recount used_bytes (SPEC §7.6, §7.8): before this version an edit or
-- delete that replaced a blob already older than --history-days could copy
-- it into note_history, delete it again in the same trim and still count
-- it. The count is what the rows hold: every note row's blob length plus
-- 128, every kept revision's likewise, and the declared size of every
-- attachment not yet collected.
--
-- Every writer of an account's notes, history, attachments or count locks
-- its users row first (SPEC §7.9): holding all of them, the recount sees
-- every committed write and none lands between the count and the update,
-- even with other replicas serving.
SELECT id FROM users ORDER BY id FOR NO KEY UPDATE;
UPDATE users SET used_bytes =
	(SELECT coalesce(sum(coalesce(octet_length(n.blob), 0)), 0) + 128 * count(*) FROM notes n WHERE n.user_id = users.id) +
	(SELECT coalesce(sum(octet_length(h.blob)), 0) + 128 * count(*) FROM note_history h WHERE h.user_id = users.id) +
	(SELECT coalesce(sum(a.size), 0) FROM attachments a WHERE a.user_uid = users.uid);
