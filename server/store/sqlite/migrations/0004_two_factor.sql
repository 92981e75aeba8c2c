-- Two-factor sign-in (SPEC §7.5). One row per account that has started or
-- finished enrolment. secret and pending are TOTP secrets sealed by the
-- server (AES-256-GCM, never in clear); secret is NULL until enrolment is
-- confirmed. last_step is the newest TOTP step accepted, so no code is
-- accepted twice.
CREATE TABLE two_factor (
    user_id   INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    secret    BLOB,
    pending   BLOB,
    last_step INTEGER NOT NULL DEFAULT 0
);

-- One-time recovery codes, as HMAC-SHA256 (SPEC §7.5); a used one is deleted.
CREATE TABLE recovery_codes (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    hash    BLOB    NOT NULL,
    PRIMARY KEY (user_id, hash)
) WITHOUT ROWID;
