-- The quota counts what is stored (SPEC §7.6): every note row, tombstones
-- included, costs its blob's length plus RowOverhead (128) bytes.
UPDATE users SET used_bytes = (
	SELECT coalesce(sum(coalesce(length(n.blob), 0)), 0) + 128 * count(*)
	FROM notes n WHERE n.user_id = users.id);
