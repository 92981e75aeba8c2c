package manifest

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"testing"

	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/protocol"
)

func TestStateIncrementalEqualsRebuild(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	a := newAccount(t, rng)
	inc := newDevice(t, a, rng).st
	final := map[string]Note{}
	var ids []string
	for i := range 500 {
		var n Note
		if i%3 == 0 || len(ids) == 0 {
			n = Note{ID: newID(rng), Rev: 1, Blob: newBlob(rng)}
			ids = append(ids, n.ID)
		} else {
			old := final[ids[rng.IntN(len(ids))]]
			n = Note{ID: old.ID, Rev: old.Rev + 1, Deleted: rng.IntN(4) == 0}
			if !n.Deleted {
				n.Blob = newBlob(rng)
			}
		}
		if err := inc.Apply(n.ID, n.Rev, n.Deleted, n.Blob); err != nil {
			t.Fatalf("Apply(%v) = %v", n, err)
		}
		final[n.ID] = n
	}
	var notes []Note
	for _, n := range final {
		notes = append(notes, n)
	}
	full := newDevice(t, a, rng).st
	if err := full.Rebuild(notes); err != nil {
		t.Fatal(err)
	}
	if full.Digest() != inc.Digest() || full.Count() != inc.Count() || inc.Count() != uint64(len(final)) {
		t.Fatalf("Rebuild = %x/%d, incremental = %x/%d", full.Digest(), full.Count(), inc.Digest(), inc.Count())
	}
	if err := full.Rebuild(append(notes, notes[0])); err == nil || full.Count() != inc.Count() {
		t.Fatalf("Rebuild with a duplicate = %v (count %d), want error and no change", err, full.Count())
	}
}

func TestStatePreview(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	d := newDevice(t, newAccount(t, rng), rng)
	x, y := newID(rng), newID(rng)
	if err := d.st.Apply(x, 1, false, newBlob(rng)); err != nil {
		t.Fatal(err)
	}
	ops := []protocol.BatchOp{d.put(x, newBlob(rng)), d.put(y, newBlob(rng))}
	before := d.st.Digest()
	dg, n, err := d.st.Preview(ops)
	if err != nil || n != 2 {
		t.Fatalf("Preview = %d, %v; want 2 notes", n, err)
	}
	if d.st.Digest() != before {
		t.Fatal("Preview changed the state")
	}
	for _, op := range ops {
		if err := d.st.Apply(op.ID, op.BaseRev+1, false, op.Blob); err != nil {
			t.Fatal(err)
		}
	}
	if d.st.Digest() != dg {
		t.Fatal("Preview digest differs from applying the ops")
	}
	stale := protocol.BatchOp{Op: protocol.OpPut, ID: x, BaseRev: 1, Blob: newBlob(rng)}
	if _, _, err := d.st.Preview([]protocol.BatchOp{stale}); err == nil {
		t.Fatal("Preview of a stale base revision succeeded")
	}
}

// TestStateApplyOps: ApplyOps leaves the state that applying each op does
// and returns what Preview returned; a stale base revision is an error.
func TestStateApplyOps(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 7))
	d := newDevice(t, newAccount(t, rng), rng)
	x, y, z := newID(rng), newID(rng), newID(rng)
	for _, id := range []string{x, y} {
		if err := d.st.Apply(id, 1, false, newBlob(rng)); err != nil {
			t.Fatal(err)
		}
	}
	ops := []protocol.BatchOp{d.put(x, newBlob(rng)), d.del(y), d.put(z, newBlob(rng))}
	wantDg, wantN, err := d.st.Preview(ops)
	if err != nil {
		t.Fatal(err)
	}
	one := d.st.Clone()
	for _, op := range ops {
		if err := one.Apply(op.ID, op.BaseRev+1, op.Op == protocol.OpDelete, op.Blob); err != nil {
			t.Fatal(err)
		}
	}
	all := d.st.Clone()
	dg, n, err := all.ApplyOps(ops)
	if err != nil || dg != wantDg || n != wantN {
		t.Fatalf("ApplyOps = %x, %d, %v; Preview = %x, %d", dg, n, err, wantDg, wantN)
	}
	if all.Digest() != one.Digest() || all.LiveDigest() != one.LiveDigest() || all.LiveCount() != one.LiveCount() || !reflect.DeepEqual(all.notes, one.notes) {
		t.Fatal("ApplyOps left another state than applying each op")
	}
	hashed := d.st.Clone()
	dg, n, err = hashed.ApplyOpsHashed(ops, HashOps(ops))
	if err != nil || dg != wantDg || n != wantN || hashed.Digest() != one.Digest() || !reflect.DeepEqual(hashed.notes, one.notes) {
		t.Fatalf("ApplyOpsHashed = %x, %d, %v, or another state; Preview = %x, %d", dg, n, err, wantDg, wantN)
	}
	stale := protocol.BatchOp{Op: protocol.OpPut, ID: x, BaseRev: 1, Blob: newBlob(rng)}
	if _, _, err := all.ApplyOps([]protocol.BatchOp{stale}); err == nil {
		t.Fatal("ApplyOps of a stale base revision succeeded")
	}
}

// TestStateApplyOpsHashedRejects: ApplyOpsHashed refuses what ApplyOps
// refuses, and hashes that are not one per op.
func TestStateApplyOpsHashedRejects(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	d := newDevice(t, newAccount(t, rng), rng)
	x := newID(rng)
	put := d.put(x, newBlob(rng))
	tests := []struct {
		name   string
		ops    []protocol.BatchOp
		hashes func(ops []protocol.BatchOp) [][32]byte
	}{
		{"one hash short", []protocol.BatchOp{put}, func([]protocol.BatchOp) [][32]byte { return nil }},
		{"one hash too many", []protocol.BatchOp{put}, func(ops []protocol.BatchOp) [][32]byte { return append(HashOps(ops), [32]byte{}) }},
		{"put without blob", []protocol.BatchOp{{Op: protocol.OpPut, ID: x}}, HashOps},
		{"delete with blob", []protocol.BatchOp{{Op: protocol.OpDelete, ID: x, Blob: []byte{1}}}, HashOps},
		{"unknown op", []protocol.BatchOp{{Op: "move", ID: x, Blob: []byte{1}}}, HashOps},
		{"stale base", []protocol.BatchOp{{Op: protocol.OpPut, ID: x, BaseRev: 3, Blob: []byte{1}}}, HashOps},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := d.st.Clone()
			if _, _, err := st.ApplyOpsHashed(tt.ops, tt.hashes(tt.ops)); err == nil {
				t.Fatal("ApplyOpsHashed succeeded")
			}
		})
	}
}

func TestStateApplyRejects(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	st := newDevice(t, newAccount(t, rng), rng).st
	id := newID(rng)
	for name, c := range map[string]Note{
		"rev 0":              {ID: id, Rev: 0, Blob: []byte{1}},
		"tombstone and blob": {ID: id, Rev: 1, Deleted: true, Blob: []byte{1}},
		"live without blob":  {ID: id, Rev: 1},
		"bad id":             {ID: "X", Rev: 1, Blob: []byte{1}},
	} {
		if err := st.Apply(c.ID, c.Rev, c.Deleted, c.Blob); err == nil || st.Count() != 0 {
			t.Errorf("Apply(%s) = %v, want an error and no change", name, err)
		}
	}
}

func TestVerifyKeyRotation(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 11))
	acct := newAccount(t, rng)
	srv := newServer()
	a := newDevice(t, acct, rng)
	a.sync(t, srv, func() []protocol.BatchOp { return []protocol.BatchOp{a.put(newID(rng), newBlob(rng))} })

	// A rotates: its state must be rekeyed before it writes under gen 2.
	rotated, err := acct.b.Rotate()
	if err != nil {
		t.Fatal(err)
	}
	a.acct.b = rotated
	if err := a.pull(srv); err != nil {
		t.Fatalf("pull under gen 1 manifest with a rotated bundle: %v", err)
	}
	cs, _ := srv.feed(0)
	dk, err := DigesterFor(rotated, 2)
	if err != nil {
		t.Fatal(err)
	}
	a.st = NewState(dk, 2)
	for _, c := range cs {
		if err := a.st.Apply(c.ID, c.Rev, c.Deleted, c.Blob); err != nil {
			t.Fatal(err)
		}
	}
	// Verified under gen 1 just above; the write's digest is under gen 2.
	if !a.write(t, srv, []protocol.BatchOp{a.put(newID(rng), newBlob(rng))}, answered) {
		t.Fatal("write refused")
	}
	if err := a.pull(srv); err != nil {
		t.Fatalf("pull of its own gen 2 manifest: %v", err)
	}

	// B still digests under gen 1: not a detection, a rebuild.
	b := newDevice(t, acct, rng)
	b.acct.b = rotated
	err = b.pull(srv)
	var det *Detection
	if !errors.Is(err, ErrDigestGeneration) || errors.As(err, &det) {
		t.Fatalf("pull = %v, want ErrDigestGeneration (not a detection)", err)
	}
	// Without the new key the manifest cannot be opened: fetch keys and retry.
	c := newDevice(t, acct, rng)
	if err := c.pull(srv); !errors.Is(err, cryptobox.ErrUnknownGeneration) || errors.As(err, &det) {
		t.Fatalf("pull = %v, want ErrUnknownGeneration", err)
	}
}

func TestNextAndRemember(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 13))
	acct := newAccount(t, rng)
	srv := newServer()
	a, b := newDevice(t, acct, rng), newDevice(t, acct, rng)
	a.sync(t, srv, func() []protocol.BatchOp { return []protocol.BatchOp{a.put(newID(rng), newBlob(rng))} })
	b.sync(t, srv, func() []protocol.BatchOp { return []protocol.BatchOp{b.put(newID(rng), newBlob(rng))} })
	if err := a.pull(srv); err != nil {
		t.Fatal(err)
	}
	if got := a.cur.Heads; len(got) != 2 || got[a.id].Version != 1 || got[b.id].Version != 2 || a.cur.Writer != b.id {
		t.Fatalf("heads after two writers = %v (writer %s)", got, a.cur.Writer)
	}
	if a.mem.LastWrite == nil || *a.mem.LastWrite != (Head{1, ""}) || a.mem.HighestVersion != 2 {
		t.Fatalf("A's memory = %+v", a.mem)
	}
	// A write whose answer is lost and which the server applied becomes
	// LastWrite on the next pull; one it did not apply is forgotten.
	x := newID(rng)
	a.write(t, srv, []protocol.BatchOp{a.put(x, newBlob(rng))}, lostAnswer)
	if err := a.pull(srv); err != nil || a.mem.LastWrite.Version != 3 || a.mem.Pending != nil {
		t.Fatalf("pull after a lost applied answer = %v, memory %+v", err, a.mem)
	}
	stale := *a
	b.sync(t, srv, func() []protocol.BatchOp { return []protocol.BatchOp{b.put(x, newBlob(rng))} })
	stale.write(t, srv, []protocol.BatchOp{stale.put(x, newBlob(rng))}, lostAnswer) // refused: base moved on
	if err := stale.pull(srv); err != nil || stale.mem.LastWrite.Version != 3 || stale.mem.Pending != nil {
		t.Fatalf("pull after a lost refused answer = %v, memory %+v", err, stale.mem)
	}
}

// TestRekeyAndRestore: a state rebuilt from its stored hashes, or moved to
// another key generation and back, digests exactly as one built from blobs.
func TestRekeyAndRestore(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	b1, err := cryptobox.NewBundle()
	if err != nil {
		t.Fatal(err)
	}
	b2, err := b1.Rotate()
	if err != nil {
		t.Fatal(err)
	}
	d1, _ := DigesterFor(b2, b1.Current().Gen)
	d2, _ := DigesterFor(b2, b2.Current().Gen)
	st := NewState(d1, b1.Current().Gen)
	var stored []HashedNote
	for i := range 20 {
		id := newID(rng)
		if err := st.Apply(id, uint64(i+1), i%5 == 0, map[bool][]byte{true: nil, false: newBlob(rng)}[i%5 == 0]); err != nil {
			t.Fatal(err)
		}
		n, _ := st.Get(id)
		stored = append(stored, n)
	}
	restored := NewState(d1, b1.Current().Gen)
	if err := restored.Restore(stored); err != nil || restored.Digest() != st.Digest() || restored.Count() != st.Count() {
		t.Fatalf("Restore: %v; digest equal %t", err, restored.Digest() == st.Digest())
	}
	moved := st.Clone()
	if err := moved.Rekey(d2, b2.Current().Gen); err != nil || moved.Digest() == st.Digest() || moved.Generation() != b2.Current().Gen {
		t.Fatalf("Rekey to generation 2: %v; digest changed %t", err, moved.Digest() != st.Digest())
	}
	if err := moved.Rekey(d1, b1.Current().Gen); err != nil || moved.Digest() != st.Digest() {
		t.Fatalf("Rekey back: %v; digest equal %t", err, moved.Digest() == st.Digest())
	}
	if err := restored.Restore(append(stored, stored[0])); err == nil {
		t.Error("Restore with a duplicated id succeeded")
	}
}
