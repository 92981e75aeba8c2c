package manifest

import (
	"bytes"
	"cmp"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/protocol"
)

// This file is a test model of the honest server of SPEC §7.3 (feed ordered
// by seq, atomic batch with manifest CAS) and of a device running §10.5 and
// §10.6 on it. Attack tests build a dishonest feed from its snapshots.

type srvNote struct {
	rev, seq uint64
	deleted  bool
	blob     []byte
}

type server struct {
	seq      uint64
	notes    map[string]srvNote
	manifest protocol.Manifest
}

func newServer() *server { return &server{notes: map[string]srvNote{}} }

func (s *server) snapshot() *server {
	c := *s
	c.notes = maps.Clone(s.notes)
	return &c
}

// feed answers GET /notes?since= as one last page.
func (s *server) feed(since uint64) ([]protocol.Change, protocol.Manifest) {
	var cs []protocol.Change
	for id, n := range s.notes {
		if n.seq > since {
			cs = append(cs, protocol.Change{ID: id, Rev: n.rev, Seq: n.seq, Blob: n.blob, Deleted: n.deleted})
		}
	}
	slices.SortFunc(cs, func(a, b protocol.Change) int { return cmp.Compare(a.Seq, b.Seq) })
	return cs, s.manifest
}

// batch applies an atomic batch: all ops and the manifest CAS, or nothing.
func (s *server) batch(req protocol.BatchRequest) bool {
	if req.Manifest == nil || req.Manifest.BaseVersion != s.manifest.Version {
		return false
	}
	for _, op := range req.Ops {
		if s.notes[op.ID].rev != op.BaseRev {
			return false
		}
	}
	for _, op := range req.Ops {
		s.seq++
		s.notes[op.ID] = srvNote{rev: op.BaseRev + 1, seq: s.seq, deleted: op.Op == protocol.OpDelete, blob: op.Blob}
	}
	s.manifest = protocol.Manifest{Version: req.Manifest.BaseVersion + 1, Blob: req.Manifest.Blob}
	return true
}

type account struct {
	userID string
	b      cryptobox.Bundle
}

func newAccount(t testing.TB, rng *rand.Rand) account {
	t.Helper()
	b, err := cryptobox.NewBundle()
	if err != nil {
		t.Fatal(err)
	}
	return account{userID: newID(rng), b: b}
}

type device struct {
	acct   account
	id     string
	mem    Memory
	st     *State
	cursor uint64
	curM   protocol.Manifest
	cur    Payload
}

func newDevice(t testing.TB, a account, rng *rand.Rand) *device {
	t.Helper()
	d, err := cryptobox.NewDigester(a.b)
	if err != nil {
		t.Fatal(err)
	}
	return &device{acct: a, id: newID(rng), st: NewState(d, a.b.Current().Gen)}
}

// receive applies one pulled feed and verifies its manifest; on any error
// the device keeps what it had, as the vault would.
func (d *device) receive(cs []protocol.Change, m protocol.Manifest) error {
	st := d.st.Clone()
	next := d.cursor
	for _, c := range cs {
		if err := st.Apply(c.ID, c.Rev, c.Deleted, c.Blob); err != nil {
			return err
		}
		next = max(next, c.Seq)
	}
	p, err := Verify(d.acct.b, d.acct.userID, d.id, d.mem, st, m)
	if err != nil {
		return err
	}
	d.st, d.cursor, d.mem, d.curM, d.cur = st, next, Remember(d.mem, d.id, m, p), m, p
	return nil
}

func (d *device) pull(s *server) error { return d.receive(s.feed(d.cursor)) }

// lost says what happens to the answer of a write.
type lost int

const (
	answered lost = iota
	lostAnswer
)

// write sends ops as an atomic batch; false if the server refused it.
func (d *device) write(t testing.TB, s *server, ops []protocol.BatchOp, l lost) bool {
	t.Helper()
	dg, n, err := d.st.Preview(ops)
	if err != nil {
		t.Fatalf("Preview: %v", err)
	}
	blob, version, newMem, err := Next(d.acct.b, d.acct.userID, d.id, &d.curM, d.cur, dg, n)
	if err != nil {
		t.Fatalf("Next: %v", err)
	}
	sending := d.mem.WithPending(*newMem.LastWrite)
	ok := s.batch(protocol.BatchRequest{Ops: ops, Manifest: &protocol.PutManifestRequest{BaseVersion: version - 1, Blob: blob}})
	switch {
	case l == lostAnswer:
		d.mem = sending
	case ok:
		d.mem = newMem
		for _, op := range ops {
			if err := d.st.Apply(op.ID, op.BaseRev+1, op.Op == protocol.OpDelete, op.Blob); err != nil {
				t.Fatalf("Apply own op: %v", err)
			}
		}
	default:
		d.mem = sending.WithoutPending(*newMem.LastWrite)
	}
	return ok
}

// put and del build ops against the device's view.
func (d *device) put(id string, blob []byte) protocol.BatchOp {
	rev, _, _ := d.st.Rev(id)
	return protocol.BatchOp{Op: protocol.OpPut, ID: id, BaseRev: rev, Blob: blob}
}

func (d *device) del(id string) protocol.BatchOp {
	rev, _, _ := d.st.Rev(id)
	return protocol.BatchOp{Op: protocol.OpDelete, ID: id, BaseRev: rev}
}

// sync is pull then write, retrying while another device wins the race.
func (d *device) sync(t testing.TB, s *server, ops func() []protocol.BatchOp) {
	t.Helper()
	for range 10 {
		if err := d.pull(s); err != nil {
			t.Fatalf("device %s pull: %v", d.id[:8], err)
		}
		if d.write(t, s, ops(), answered) {
			return
		}
	}
	t.Fatal("write never applied")
}

func newID(rng *rand.Rand) string {
	var b [16]byte
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// newBlob stands for a sealed envelope: Verify only sees its hash.
func newBlob(rng *rand.Rand) []byte {
	b := make([]byte, 64)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return bytes.Clone(b)
}
