package manifest

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/protocol"
)

// The live-only digest of a State (SPEC §10.3, 0x02 manifests) against the
// independent generator's vectors (shared/testdata/gen/gen.mjs).
func TestStateLiveDigestVectors(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "shared", "testdata", "setdigest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		AccountKey string `json:"account_key"`
		Generation uint32 `json:"generation"`
		Entries    []struct {
			ID      string `json:"id"`
			Rev     uint64 `json:"rev"`
			Deleted bool   `json:"deleted"`
			Blob    string `json:"blob"`
		} `json:"entries"`
		Digest     string `json:"digest"`
		Count      uint64 `json:"count"`
		LiveDigest string `json:"live_digest"`
		LiveCount  uint64 `json:"live_count"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	ak := cryptobox.AccountKey{Gen: v.Generation}
	k, _ := hex.DecodeString(v.AccountKey)
	copy(ak.Key[:], k)
	d, err := DigesterFor(cryptobox.Bundle{ak}, v.Generation)
	if err != nil {
		t.Fatal(err)
	}
	st := NewState(d, v.Generation)
	for _, e := range v.Entries {
		blob, _ := hex.DecodeString(e.Blob)
		if err := st.Apply(e.ID, e.Rev, e.Deleted, blob); err != nil {
			t.Fatalf("Apply(%s) = %v", e.ID, err)
		}
	}
	check := func(what string, dg cryptobox.Digest, n uint64, want string, wantN uint64) {
		t.Helper()
		if hex.EncodeToString(dg[:]) != want || n != wantN {
			t.Errorf("%s = %x/%d, want %s/%d", what, dg, n, want, wantN)
		}
	}
	check("Digest/Count", st.Digest(), st.Count(), v.Digest, v.Count)
	check("LiveDigest/LiveCount", st.LiveDigest(), st.LiveCount(), v.LiveDigest, v.LiveCount)

	// Deleting a live note takes it out of the live sum and leaves the
	// tombstone in the other; Remove (a compacted tombstone) changes no
	// live sum; Preview of the delete agrees with applying it.
	first := v.Entries[0]
	dg, n, err := st.Preview([]protocol.BatchOp{{Op: protocol.OpDelete, ID: first.ID, BaseRev: first.Rev}})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Apply(first.ID, first.Rev+1, true, nil); err != nil {
		t.Fatal(err)
	}
	if dg != st.LiveDigest() || n != v.LiveCount-1 || st.LiveCount() != n || st.Count() != v.Count {
		t.Errorf("after a delete: Preview %x/%d, state live %x/%d, count %d", dg, n, st.LiveDigest(), st.LiveCount(), st.Count())
	}
	live, liveN := st.LiveDigest(), st.LiveCount()
	st.Remove(first.ID)
	if st.LiveDigest() != live || st.LiveCount() != liveN || st.Count() != v.Count-1 {
		t.Errorf("Remove(tombstone) changed the live sum or kept the row: %d/%d", st.LiveCount(), st.Count())
	}
	if _, ok := st.Get(first.ID); ok {
		t.Errorf("Remove(%s) left it counted", first.ID)
	}
	st.Remove(v.Entries[1].ID) // live: leaves the live sum
	if st.LiveCount() != liveN-1 || st.LiveDigest() == live {
		t.Errorf("Remove(live note) = %d live notes, want %d", st.LiveCount(), liveN-1)
	}
}
