package cryptobox

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// The vectors read here are made by ../testdata/gen/gen.mjs, an independent
// implementation of SPEC.md on @noble/ciphers and @noble/hashes: nothing in
// this package produced them, so a bug here cannot approve itself.

func readIndependent(t *testing.T, name string, v any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(vectorDir, name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
}

func TestIndependentManifestVectors(t *testing.T) {
	var cases []struct {
		Name       string   `json:"name"`
		Header     byte     `json:"header"`
		AccountKey hexBytes `json:"account_key"`
		Generation uint32   `json:"generation"`
		UserID     string   `json:"user_id"`
		Version    uint64   `json:"version"`
		Nonce      hexBytes `json:"nonce"`
		Payload    string   `json:"payload"`
		MK         hexBytes `json:"manifest_key"`
		AD         hexBytes `json:"ad"`
		Blob       hexBytes `json:"blob"`
	}
	readIndependent(t, "manifest.json", &cases)
	if len(cases) == 0 {
		t.Fatal("no manifest vectors")
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			ak := AccountKey{Gen: c.Generation}
			copy(ak.Key[:], c.AccountKey)
			mk, err := manifestKey(&ak)
			if err != nil || !bytes.Equal(mk[:], c.MK) {
				t.Errorf("manifestKey() = %x, %v, want %x", mk, err, []byte(c.MK))
			}
			ad, err := manifestAD(c.Header, c.Generation, c.UserID, c.Version)
			if err != nil || !bytes.Equal(ad, c.AD) {
				t.Errorf("manifestAD() = %x, %v, want %x", ad, err, []byte(c.AD))
			}
			blob, err := sealManifestWithNonce(c.Header, ak, c.UserID, c.Version, []byte(c.Payload), c.Nonce)
			if err != nil || !bytes.Equal(blob, c.Blob) {
				t.Errorf("sealManifestWithNonce() = %x, %v, want %x", blob, err, []byte(c.Blob))
			}
			got, err := OpenManifest(Bundle{ak}, c.UserID, c.Version, c.Blob)
			if err != nil || string(got) != c.Payload {
				t.Errorf("OpenManifest() = %q, %v, want %q", got, err, c.Payload)
			}
			if _, err := OpenManifest(Bundle{ak}, c.UserID, c.Version+1, c.Blob); err == nil {
				t.Errorf("OpenManifest(as version %d) opened", c.Version+1)
			}
			other := bytes.Clone(c.Blob)
			other[0] = ManifestAllRows + ManifestLiveOnly - c.Header // the other digest rule
			if _, err := OpenManifest(Bundle{ak}, c.UserID, c.Version, other); err == nil {
				t.Errorf("OpenManifest(first byte %#x instead of %#x) opened", other[0], c.Header)
			}
		})
	}
}

func TestIndependentSetDigestVectors(t *testing.T) {
	var v struct {
		AccountKey hexBytes `json:"account_key"`
		Generation uint32   `json:"generation"`
		DigestKey  hexBytes `json:"digest_key"`
		Entries    []struct {
			ID       string   `json:"id"`
			Rev      uint64   `json:"rev"`
			Deleted  bool     `json:"deleted"`
			Blob     hexBytes `json:"blob"`
			BlobHash hexBytes `json:"blob_hash"`
			Entry    hexBytes `json:"entry"`
			SumAfter hexBytes `json:"sum_after"`
		} `json:"entries"`
		Digest        hexBytes `json:"digest"`
		LiveDigest    hexBytes `json:"live_digest"`
		WithoutSecond hexBytes `json:"without_second"`
		WrapStart     hexBytes `json:"wrap_start"`
		WrapAddFirst  hexBytes `json:"wrap_add_first"`
	}
	readIndependent(t, "setdigest.json", &v)
	ak := AccountKey{Gen: v.Generation}
	copy(ak.Key[:], v.AccountKey)
	d, err := NewDigester(Bundle{ak})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(d.dk[:], v.DigestKey) {
		t.Fatalf("NewDigester() key = %x, want %x", d.dk, []byte(v.DigestKey))
	}
	var sum, live Digest
	entries := make([]Entry, len(v.Entries))
	for i, e := range v.Entries {
		got, err := d.Entry(e.ID, e.Rev, e.Deleted, e.Blob)
		if err != nil || !bytes.Equal(got[:], e.Entry) {
			t.Errorf("Entry(%s, %d, %t) = %x, %v, want %x", e.ID, e.Rev, e.Deleted, got, err, []byte(e.Entry))
		}
		var h [32]byte
		copy(h[:], e.BlobHash)
		if byHash, _ := d.EntryOfHash(e.ID, e.Rev, e.Deleted, h); byHash != got {
			t.Errorf("EntryOfHash(%s) = %x, want %x", e.ID, byHash, got)
		}
		entries[i] = got
		sum.Add(got)
		if !e.Deleted {
			live.Add(got)
		}
		if !bytes.Equal(sum[:], e.SumAfter) {
			t.Errorf("sum after entry %d = %x, want %x", i, sum, []byte(e.SumAfter))
		}
	}
	if !bytes.Equal(sum[:], v.Digest) {
		t.Errorf("digest = %x, want %x", sum, []byte(v.Digest))
	}
	if !bytes.Equal(live[:], v.LiveDigest) {
		t.Errorf("digest over live notes = %x, want %x", live, []byte(v.LiveDigest))
	}
	sum.Sub(entries[1])
	if !bytes.Equal(sum[:], v.WithoutSecond) {
		t.Errorf("digest without entry 1 = %x, want %x", sum, []byte(v.WithoutSecond))
	}
	var w Digest
	copy(w[:], v.WrapStart)
	w.Add(entries[0])
	if !bytes.Equal(w[:], v.WrapAddFirst) {
		t.Errorf("wrapping add = %x, want %x", w, []byte(v.WrapAddFirst))
	}
}

func TestIndependentRotationVectors(t *testing.T) {
	var v struct {
		Cases []struct {
			Name       string     `json:"name"`
			Start      hexBytes   `json:"start"`
			Successors []hexBytes `json:"successors"`
			Reached    hexBytes   `json:"reached"`
		} `json:"cases"`
	}
	readIndependent(t, "rotation.json", &v)
	if len(v.Cases) == 0 {
		t.Fatal("no rotation vectors")
	}
	for _, c := range v.Cases {
		t.Run(c.Name, func(t *testing.T) {
			b, err := ParseBundle(c.Start)
			if err != nil {
				t.Fatal(err)
			}
			succ := make([][]byte, len(c.Successors))
			for i, s := range c.Successors {
				succ[i] = s
			}
			got, err := b.Follow(succ).MarshalBinary()
			if err != nil || !bytes.Equal(got, c.Reached) {
				t.Errorf("Follow() = %x, %v, want %x", got, err, []byte(c.Reached))
			}
		})
	}
}
