package httpapi

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
	"testing"

	"cipherleaf.dev/shared/protocol"
)

func hashOf(blob string) string {
	h := sha256.Sum256([]byte(blob))
	return hex.EncodeToString(h[:])
}

// TestBatchBaseHash: a batch manifest's base_hash is validated and
// compared with the current blob; every atomic batch's answer says
// base_hash_checked (SPEC §7.3).
func TestBatchBaseHash(t *testing.T) {
	en := newEnv(t, nil)
	tok := en.register("alice").AccessToken
	batch := func(i int, base uint64, hash, blob string) resp {
		return en.do("POST", "/api/v1/notes/batch", tok, protocol.BatchRequest{
			Ops:      []protocol.BatchOp{{Op: "put", ID: noteID(i), Blob: []byte("n")}},
			Manifest: &protocol.PutManifestRequest{BaseVersion: base, BaseHash: hash, Blob: []byte(blob)}})
	}
	// Version 1, written the old way (no base_hash).
	var br protocol.BatchResponse
	if r := batch(1, 0, "", "m1"); r.status != 200 {
		t.Fatalf("old-style batch = %d %s", r.status, r.body)
	} else if r.into(t, &br); !br.Applied || !br.BaseHashChecked {
		t.Fatalf("old-style batch = %s, want applied and base_hash_checked", r.body)
	}
	// A plain (not atomic) batch: nothing to check.
	if r := en.do("POST", "/api/v1/notes/batch", tok, protocol.BatchRequest{Ops: []protocol.BatchOp{{Op: "put", ID: noteID(3), Blob: []byte("p")}}}); r.status != 200 || strings.Contains(string(r.body), "base_hash_checked") {
		t.Fatalf("plain batch = %d %s", r.status, r.body)
	}
	for _, tc := range []struct {
		name    string
		base    uint64
		hash    string
		status  int
		applied bool
	}{
		{"uppercase", 1, strings.ToUpper(hashOf("m1")), 400, false},
		{"short", 1, hashOf("m1")[:62], 400, false},
		{"not hex", 1, strings.Repeat("g", 64), 400, false},
		{"wrong hash", 1, hashOf("other"), 200, false},
		{"hash on version 0", 0, hashOf("m1"), 200, false},
		{"wrong version", 2, hashOf("m1"), 200, false}, // overtook nothing: waits, then refused
		{"right", 1, hashOf("m1"), 200, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := batch(2, tc.base, tc.hash, "m2")
			if r.status != tc.status {
				t.Fatalf("status %d %s, want %d", r.status, r.body, tc.status)
			}
			if tc.status != 200 {
				if r.errCode() != "bad_request" {
					t.Errorf("code %q", r.errCode())
				}
				return
			}
			var br protocol.BatchResponse
			r.into(t, &br)
			if br.Applied != tc.applied || !br.BaseHashChecked {
				t.Errorf("answer %s, want applied %v and base_hash_checked", r.body, tc.applied)
			}
			if !tc.applied && (br.Manifest == nil || br.Manifest.Version != 1 || string(br.Manifest.Blob) != "m1") {
				t.Errorf("refused answer's manifest = %+v", br.Manifest)
			}
		})
	}
	if r := en.do("PUT", "/api/v1/manifest", tok, protocol.PutManifestRequest{BaseVersion: 2, BaseHash: hashOf("m2"), Blob: []byte("m3")}); r.status != 400 {
		t.Errorf("PUT /manifest with base_hash = %d %s", r.status, r.body)
	}
}

var hexHash = regexp.MustCompile(`^[0-9a-f]{64}$`)

// FuzzBaseHash: baseHash takes "" and exactly 64 lowercase hex digits,
// and returns the bytes they spell.
func FuzzBaseHash(f *testing.F) {
	for _, s := range []string{"", hashOf("m1"), strings.ToUpper(hashOf("m1")), "ab", strings.Repeat("0", 63) + "g", strings.Repeat("é", 32)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := baseHash(s)
		switch {
		case s == "":
			if err != nil || b != nil {
				t.Fatalf("baseHash(\"\") = %x, %v", b, err)
			}
		case hexHash.MatchString(s):
			if err != nil || hex.EncodeToString(b) != s {
				t.Fatalf("baseHash(%q) = %x, %v", s, b, err)
			}
		default:
			if err == nil {
				t.Fatalf("baseHash(%q) = %x, want an error", s, b)
			}
		}
	})
}
