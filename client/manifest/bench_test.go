package manifest

import (
	"math/rand/v2"
	"testing"

	"cipherleaf.dev/shared/protocol"
)

const benchNotes = 10_000

// benchAccount builds a 10,000-note server (1 KiB blobs, the smallest
// bucket of a real note being 512 B + overhead) and a device synced to it.
func benchAccount(b *testing.B) (*server, *device, *rand.Rand) {
	b.Helper()
	rng := rand.New(rand.NewPCG(20, 21))
	srv := newServer()
	d := newDevice(b, newAccount(b, rng), rng)
	var ops []protocol.BatchOp
	for range benchNotes {
		blob := make([]byte, 1024)
		blob[0], blob[1], blob[2] = byte(rng.Uint32()), byte(rng.Uint32()), byte(rng.Uint32())
		ops = append(ops, protocol.BatchOp{Op: protocol.OpPut, ID: newID(rng), Blob: blob})
	}
	d.sync(b, srv, func() []protocol.BatchOp { return ops })
	if err := d.pull(srv); err != nil {
		b.Fatal(err)
	}
	return srv, d, rng
}

// BenchmarkOneEdit: the manifest work of one edit on a 10,000-note account —
// digest preview, new payload sealed, state updated. manifest-bytes is what
// the edit adds to the request (the blob, before base64).
func BenchmarkOneEdit(b *testing.B) {
	srv, d, rng := benchAccount(b)
	id := srv.feedIDs()[0]
	b.ReportAllocs()
	var blobLen int
	for b.Loop() {
		op := d.put(id, newBlob(rng))
		dg, n, err := d.st.Preview([]protocol.BatchOp{op})
		if err != nil {
			b.Fatal(err)
		}
		blob, _, _, err := Next(d.acct.b, d.acct.userID, d.id, &d.curM, d.cur, dg, n)
		if err != nil {
			b.Fatal(err)
		}
		if err := d.st.Apply(op.ID, op.BaseRev+1, false, op.Blob); err != nil {
			b.Fatal(err)
		}
		blobLen = len(blob)
	}
	b.ReportMetric(float64(blobLen), "manifest-bytes")
}

// BenchmarkRebuild: the digest of a 10,000-note state from scratch (one
// HMAC and one SHA-256 of 1 KiB per note).
func BenchmarkRebuild(b *testing.B) {
	srv, d, _ := benchAccount(b)
	cs, _ := srv.feed(0)
	notes := make([]Note, len(cs))
	for i, c := range cs {
		notes[i] = Note{ID: c.ID, Rev: c.Rev, Deleted: c.Deleted, Blob: c.Blob}
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := d.st.Rebuild(notes); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFullVerify: a new device pulls 10,000 notes and verifies the
// manifest (state built change by change, then Verify).
func BenchmarkFullVerify(b *testing.B) {
	srv, d, rng := benchAccount(b)
	cs, m := srv.feed(0)
	b.ReportAllocs()
	for b.Loop() {
		fresh := newDevice(b, d.acct, rng)
		if err := fresh.receive(cs, m); err != nil {
			b.Fatal(err)
		}
	}
}

func (s *server) feedIDs() []string {
	cs, _ := s.feed(0)
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	return ids
}
