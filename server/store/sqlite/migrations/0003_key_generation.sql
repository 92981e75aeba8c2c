-- The account's current key generation (SPEC §3, §7.2): PUT /account/keys
-- accepts a rotation only from it, so two devices rotating at once cannot
-- both publish the next generation. NULL: unknown (an account from before
-- this column), learned from the next PUT /account/keys that states it.
-- New accounts start at 1 (CreateUser).
ALTER TABLE users ADD COLUMN key_generation INTEGER;
