package protocol

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func batchCases() map[string]BatchRequest {
	blob := bytes.Repeat([]byte{0xfb, 0xff, 0x01}, 400)
	return map[string]BatchRequest{
		"nil ops":       {},
		"no ops":        {Ops: []BatchOp{}},
		"put":           {Ops: []BatchOp{{Op: OpPut, ID: noteID(1), BaseRev: 3, Blob: blob}}},
		"put and del":   {Ops: []BatchOp{{Op: OpPut, ID: noteID(1), Blob: []byte("x")}, {Op: OpDelete, ID: noteID(2), BaseRev: 1<<64 - 1}}},
		"empty blob":    {Ops: []BatchOp{{Op: OpPut, ID: noteID(1), Blob: []byte{}}}},
		"atomic":        {Ops: []BatchOp{{Op: OpPut, ID: noteID(1), BaseRev: 1, Blob: blob}}, Manifest: &PutManifestRequest{BaseVersion: 9, Blob: blob}},
		"manifest nil":  {Ops: []BatchOp{}, Manifest: &PutManifestRequest{}},
		"manifest zero": {Manifest: &PutManifestRequest{Blob: []byte{}}},
		"base hash":     {Ops: []BatchOp{{Op: OpPut, ID: noteID(1), BaseRev: 1, Blob: blob}}, Manifest: &PutManifestRequest{BaseVersion: 9, BaseHash: strings.Repeat("ab", 32), Blob: blob}},
		"odd base hash": {Manifest: &PutManifestRequest{BaseVersion: 1, BaseHash: "<\"\xff>", Blob: blob}},
		"odd strings":   {Ops: []BatchOp{{Op: "<&>", ID: "\"quote\\ \n \u2028 é \xff", Blob: []byte{0}}}},
	}
}

func TestAppendBatchMatchesMarshal(t *testing.T) {
	for name, r := range batchCases() {
		t.Run(name, func(t *testing.T) {
			want, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			if got := AppendBatch(nil, r); !bytes.Equal(got, want) {
				t.Errorf("AppendBatch = %s\nwant %s", got, want)
			}
		})
	}
}

// FuzzAppendBatch: AppendBatch writes what json.Marshal writes.
func FuzzAppendBatch(f *testing.F) {
	f.Add("put", noteID(1), uint64(2), []byte("blob"), true, uint64(3), []byte("m"), "")
	f.Add("<\xff>", "\u2028\"", uint64(0), []byte{}, false, uint64(0), []byte(nil), "")
	f.Add("put", noteID(1), uint64(2), []byte("blob"), true, uint64(3), []byte("m"), strings.Repeat("0f", 32))
	f.Fuzz(func(t *testing.T, op, id string, rev uint64, blob []byte, atomic bool, ver uint64, mblob []byte, hash string) {
		r := BatchRequest{Ops: []BatchOp{{Op: op, ID: id, BaseRev: rev, Blob: blob}, {Op: id, ID: op, BaseRev: ver}}}
		if atomic {
			r.Manifest = &PutManifestRequest{BaseVersion: ver, BaseHash: hash, Blob: mblob}
		}
		want, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		if got := AppendBatch(nil, r); !bytes.Equal(got, want) {
			t.Fatalf("AppendBatch(%+v) = %s, json.Marshal = %s", r, got, want)
		}
	})
}

func BenchmarkEncodeBatch(b *testing.B) {
	var r BatchRequest
	for i := range MaxBatchOps {
		r.Ops = append(r.Ops, BatchOp{Op: OpPut, ID: noteID(i), Blob: bytes.Repeat([]byte{7}, 1100)})
	}
	r.Manifest = &PutManifestRequest{BaseVersion: 1, Blob: make([]byte, 400)}
	b.Run("json", func(b *testing.B) {
		for b.Loop() {
			json.Marshal(r)
		}
	})
	b.Run("append", func(b *testing.B) {
		for b.Loop() {
			AppendBatch(nil, r)
		}
	})
}
