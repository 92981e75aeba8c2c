package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"testing"

	"cipherleaf.dev/shared/protocol"
)

// BenchmarkPutNote measures the whole single-note write path (auth, JWT,
// session check, decode, SQLite transaction, encode) without TLS.
func BenchmarkPutNote(b *testing.B) {
	en := newEnv(b, nil)
	lr := en.register("bench")
	blob := bytes.Repeat([]byte{1}, 1024)
	rev := uint64(0)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		body, _ := json.Marshal(protocol.PutNoteRequest{BaseRev: rev, Blob: blob})
		req := httptest.NewRequest("PUT", "/api/v1/notes/"+noteID(1), bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+lr.AccessToken)
		rec := httptest.NewRecorder()
		en.e.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("put = %d %s", rec.Code, rec.Body)
		}
		rev++
	}
}

// BenchmarkChanges measures reading one page of 1000 changes of 1 KiB.
func BenchmarkChanges(b *testing.B) {
	en := newEnv(b, func(c *Config) { c.MaxBody = 32 << 20 })
	lr := en.register("bench")
	var br protocol.BatchRequest
	for i := 0; i < 1000; i++ {
		br.Ops = append(br.Ops, protocol.BatchOp{Op: "put", ID: noteID(i), Blob: bytes.Repeat([]byte{1}, 1024)})
	}
	if r := en.do("POST", "/api/v1/notes/batch", lr.AccessToken, br); r.status != 200 {
		b.Fatalf("batch = %d", r.status)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest("GET", fmt.Sprintf("/api/v1/notes?since=0&limit=%d", 1000), nil)
		req.Header.Set("Authorization", "Bearer "+lr.AccessToken)
		rec := httptest.NewRecorder()
		en.e.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("changes = %d", rec.Code)
		}
	}
}

// BenchmarkRegister measures POST /auth/register at the default bcrypt
// cost (12): one bcrypt hash of the auth key (the recovery auth key is
// stored as SHA-256), the user and session rows, the tokens.
func BenchmarkRegister(b *testing.B) {
	en := newEnv(b, func(c *Config) { c.BcryptCost = 12 })
	i := 0
	for b.Loop() {
		i++
		if r := en.do("POST", "/api/v1/auth/register", "", regReq(fmt.Sprintf("user%d", i))); r.status != 201 {
			b.Fatalf("register = %d %s", r.status, r.body)
		}
	}
}

// BenchmarkLogin measures POST /auth/login at the default bcrypt cost
// (12): one bcrypt compare and a new session.
func BenchmarkLogin(b *testing.B) {
	en := newEnv(b, func(c *Config) { c.BcryptCost = 12 })
	en.register("alice")
	for b.Loop() {
		if r := en.login("alice", key(1)); r.status != 200 {
			b.Fatalf("login = %d %s", r.status, r.body)
		}
	}
}
