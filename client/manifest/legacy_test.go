package manifest

import (
	"errors"
	"math/rand/v2"
	"testing"

	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/protocol"
)

// A manifest's first byte says which set its digest is over (SPEC §10.3):
// 0x01 (written before tombstones could be compacted) over every row,
// 0x02 over live notes. Verify holds each to its own rule, so neither can be
// passed off as the other.
func TestVerifyDigestRules(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	a := newAccount(t, rng)
	st := newDevice(t, a, rng).st
	live, gone := newID(rng), newID(rng)
	for _, c := range []struct {
		id      string
		rev     uint64
		deleted bool
	}{{live, 1, false}, {gone, 1, false}, {gone, 2, true}} {
		var blob []byte
		if !c.deleted {
			blob = newBlob(rng)
		}
		if err := st.Apply(c.id, c.rev, c.deleted, blob); err != nil {
			t.Fatal(err)
		}
	}
	writer := newID(rng)
	manifestOf := func(rule byte, dg cryptobox.Digest, n uint64) protocol.Manifest {
		t.Helper()
		p := Payload{V: PayloadVersion, Version: 1, Count: n, Digest: dg, Writer: writer, Heads: map[string]Head{writer: {Version: 1}}}
		raw, err := p.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		blob, err := cryptobox.SealManifestAs(rule, a.b, a.userID, 1, raw)
		if err != nil {
			t.Fatal(err)
		}
		return protocol.Manifest{Version: 1, Blob: blob}
	}
	all, allN := st.Digest(), st.Count()
	liveD, liveN := st.LiveDigest(), st.LiveCount()
	if allN != 2 || liveN != 1 {
		t.Fatalf("counts = %d all, %d live; want 2 and 1", allN, liveN)
	}
	tests := []struct {
		name string
		m    protocol.Manifest
		ok   bool
	}{
		{"0x01 over every row", manifestOf(cryptobox.ManifestAllRows, all, allN), true},
		{"0x02 over live notes", manifestOf(cryptobox.ManifestLiveOnly, liveD, liveN), true},
		{"0x01 over live notes", manifestOf(cryptobox.ManifestAllRows, liveD, liveN), false},
		{"0x02 over every row", manifestOf(cryptobox.ManifestLiveOnly, all, allN), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Verify(a.b, a.userID, newID(rng), Memory{}, st, tt.m)
			if tt.ok && err != nil {
				t.Errorf("Verify = %v, want it verified", err)
			}
			if !tt.ok && !errors.Is(err, ErrStateMismatch) {
				t.Errorf("Verify = %v, want %v", err, ErrStateMismatch)
			}
		})
	}
}
