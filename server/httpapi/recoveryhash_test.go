package httpapi

import (
	"bytes"
	"crypto/sha256"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"cipherleaf.dev/server"
	"cipherleaf.dev/shared/protocol"
)

// setLegacyRecoveryHash gives name the bcrypt recovery hash of k, as an
// account registered before the SHA-256 form holds.
func (en *env) setLegacyRecoveryHash(name string, k []byte) []byte {
	en.t.Helper()
	u, err := en.store.UserByName(en.t.Context(), name)
	if err != nil {
		en.t.Fatal(err)
	}
	h, err := bcrypt.GenerateFromPassword(k, 4)
	if err != nil {
		en.t.Fatal(err)
	}
	if _, err := en.store.UpdateKeys(en.t.Context(), u.ID, server.KeyUpdate{RecoveryHash: h}, false, "", nil); err != nil {
		en.t.Fatal(err)
	}
	return h
}

func (en *env) storedRecoveryHash(name string) []byte {
	en.t.Helper()
	u, err := en.store.UserByName(en.t.Context(), name)
	if err != nil {
		en.t.Fatal(err)
	}
	return u.RecoveryHash
}

// TestRegisterStoresSHA256RecoveryHash: register stores "sha256:" ||
// SHA-256(recovery_auth_key), computed here independently of recoveryHash.
func TestRegisterStoresSHA256RecoveryHash(t *testing.T) {
	en := newEnv(t, nil)
	en.register("alice")
	sum := sha256.Sum256(key(4))
	want := append([]byte("sha256:"), sum[:]...)
	if got := en.storedRecoveryHash("alice"); !bytes.Equal(got, want) {
		t.Fatalf("stored recovery hash = %q, want %q", got, want)
	}
}

// TestRecoveryBothHashForms: recovery and recover accept the right key and
// refuse a wrong one, for a new (SHA-256) and an older (bcrypt) account; a
// proven bcrypt hash is upgraded, a wrong key leaves it as it is.
func TestRecoveryBothHashForms(t *testing.T) {
	for _, legacy := range []bool{false, true} {
		name := map[bool]string{false: "sha256", true: "bcrypt"}[legacy]
		for _, path := range []string{"/api/v1/auth/recovery", "/api/v1/auth/recover"} {
			t.Run(name+path, func(t *testing.T) {
				en := newEnv(t, nil)
				en.register("alice")
				before := en.storedRecoveryHash("alice")
				if legacy {
					before = en.setLegacyRecoveryHash("alice", key(4))
				}
				req := func(k []byte) protocol.RecoverRequest {
					return protocol.RecoverRequest{Username: "alice", RecoveryAuthKey: k, NewAuthKey: key(5), KDF: kdf(), WrappedKey: wrapped(6), DeviceName: "d"}
				}
				if r := en.do("POST", path, "", req(key(9))); r.status != 401 {
					t.Fatalf("POST %s with a wrong key = %d %s, want 401", path, r.status, r.body)
				}
				if got := en.storedRecoveryHash("alice"); !bytes.Equal(got, before) {
					t.Fatalf("a wrong key changed the stored hash to %q", got)
				}
				if r := en.do("POST", path, "", req(key(4))); r.status != 200 {
					t.Fatalf("POST %s with the right key = %d %s, want 200", path, r.status, r.body)
				}
				if got := en.storedRecoveryHash("alice"); !bytes.Equal(got, recoveryHash(key(4))) {
					t.Errorf("stored hash after a proven recovery = %q, want the SHA-256 form", got)
				}
				// The upgraded (or unchanged) hash still accepts the key.
				if r := en.do("POST", "/api/v1/auth/recovery", "", protocol.RecoveryRequest{Username: "alice", RecoveryAuthKey: key(4)}); r.status != 200 {
					t.Errorf("recovery after = %d %s, want 200", r.status, r.body)
				}
			})
		}
	}
}

// TestRecoveryHashUpgradeKeepsNewerKey: the upgrade of a proven old hash
// never overwrites a recovery key set in the meantime.
func TestRecoveryHashUpgradeKeepsNewerKey(t *testing.T) {
	en := newEnv(t, nil)
	en.register("alice")
	old := en.setLegacyRecoveryHash("alice", key(4))
	u, err := en.store.UserByName(t.Context(), "alice")
	if err != nil {
		t.Fatal(err)
	}
	newer := recoveryHash(key(14))
	if _, err := en.store.UpdateKeys(t.Context(), u.ID, server.KeyUpdate{RecoveryHash: newer}, false, "", nil); err != nil {
		t.Fatal(err)
	}
	a := &api{Config: Config{Store: en.store}}
	a.upgradeRecoveryHash(t.Context(), u.ID, old, key(4))
	if got := en.storedRecoveryHash("alice"); !bytes.Equal(got, newer) {
		t.Fatalf("stored hash = %q after an upgrade raced with a new key, want the new key's %q", got, newer)
	}
}

// TestRecoverySHA256PathDoesBcrypt: checking a SHA-256 recovery hash still
// costs one bcrypt compare, as the unknown-user and older-account paths
// do, so the time of the answer tells nothing about the account.
func TestRecoverySHA256PathDoesBcrypt(t *testing.T) {
	en := newEnv(t, func(c *Config) { c.BcryptCost = 10 })
	en.register("alice")
	h, _ := bcrypt.GenerateFromPassword(key(1), 10)
	one := time.Duration(1<<63 - 1)
	for range 3 {
		start := time.Now()
		bcrypt.CompareHashAndPassword(h, key(2))
		one = min(one, time.Since(start))
	}
	for _, k := range [][]byte{key(4), key(9)} {
		start := time.Now()
		en.do("POST", "/api/v1/auth/recovery", "", protocol.RecoveryRequest{Username: "alice", RecoveryAuthKey: k})
		if d := time.Since(start); d < one/2 {
			t.Errorf("recovery with key %x took %v, a bcrypt compare takes %v: no equalizing compare?", k[:1], d, one)
		}
	}
}
