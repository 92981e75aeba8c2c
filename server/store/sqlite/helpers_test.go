package sqlite

import (
	"context"
	"crypto/sha256"
	"fmt"
	"path/filepath"
	"testing"

	"cipherleaf.dev/server"
	"cipherleaf.dev/shared/protocol"
)

// The engine-neutral tests are in ../storetest (conformance_test.go runs
// them here); these helpers serve the SQLite-only ones.

func openTest(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "db.sqlite"), Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func hash(s string) []byte { h := sha256.Sum256([]byte(s)); return h[:] }

func newUser(t testing.TB, s *Store, name string) (*server.User, *server.Session) {
	t.Helper()
	u := &server.User{
		UID: fmt.Sprintf("00000000-0000-4000-8000-%012x", len(name)*7919+int(name[0])), Username: name,
		AuthHash: []byte("h"), RecoveryHash: []byte("r"),
		KDF:        protocol.KDF{Alg: "argon2id", Version: 19, Time: 3, Memory: 65536, Threads: 4, Salt: make([]byte, 16)},
		WrappedKey: []byte("wk"), RecoveryWrappedKey: []byte("rwk"),
	}
	sess := &server.Session{ID: "sess-" + name, DeviceName: "dev", RefreshHash: hash("rt-" + name)}
	if err := s.CreateUser(context.Background(), u, sess); err != nil {
		t.Fatalf("CreateUser(%q): %v", name, err)
	}
	return u, sess
}

const id1 = "11111111-1111-4111-8111-111111111111"
