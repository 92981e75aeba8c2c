package manifest

import (
	"crypto/sha256"
	"fmt"
	"maps"

	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/protocol"
)

// DigestView is what Verify needs of the device's view of the server's set.
type DigestView interface {
	// Digest and Count are over every note, tombstones included: what a
	// 0x01 manifest commits to (SPEC §10.3, older writers).
	Digest() cryptobox.Digest
	Count() uint64
	// LiveDigest and LiveCount are over live notes only: what a 0x02
	// manifest commits to (SPEC §10.3).
	LiveDigest() cryptobox.Digest
	LiveCount() uint64
	// Generation is the key generation the digest is keyed with (DK_g).
	Generation() uint32
}

// Note is one note as the server should hold it: a live revision with its
// blob, or a tombstone (Deleted, no blob).
type Note struct {
	ID      string
	Rev     uint64
	Deleted bool
	Blob    []byte
}

type counted struct {
	rev     uint64
	deleted bool
	hash    [32]byte // SHA-256 of the blob (of nothing for a tombstone)
	entry   cryptobox.Entry
}

// State is the device's view of the server's note set: per note the
// revision and entry value currently counted, and the running digests and
// counts — over every note and over live notes only — maintained in O(1)
// per change (SPEC §10.3). Not safe for concurrent use.
type State struct {
	d      *cryptobox.Digester
	gen    uint32
	notes  map[string]counted
	digest cryptobox.Digest // every note, tombstones included
	live   cryptobox.Digest // live notes only
	liveN  uint64
}

// NewState returns an empty state digesting with d, which was derived from
// key generation gen (see DigesterFor).
func NewState(d *cryptobox.Digester, gen uint32) *State {
	return &State{d: d, gen: gen, notes: map[string]counted{}}
}

// DigesterFor returns the digester of key generation gen of b: a manifest is
// verified with the DK of the generation it is sealed under.
func DigesterFor(b cryptobox.Bundle, gen uint32) (*cryptobox.Digester, error) {
	ak, ok := b.Lookup(gen)
	if !ok {
		return nil, fmt.Errorf("digester: %w", cryptobox.ErrUnknownGeneration)
	}
	return cryptobox.NewDigester(cryptobox.Bundle{ak})
}

// Digest returns the current set digest.
func (s *State) Digest() cryptobox.Digest { return s.digest }

// Count returns the number of notes (live and tombstones) counted.
func (s *State) Count() uint64 { return uint64(len(s.notes)) }

// LiveDigest returns the set digest over live notes only.
func (s *State) LiveDigest() cryptobox.Digest { return s.live }

// LiveCount returns the number of live notes counted.
func (s *State) LiveCount() uint64 { return s.liveN }

// Generation returns the key generation of the digester.
func (s *State) Generation() uint32 { return s.gen }

// Rev returns the revision counted for id.
func (s *State) Rev(id string) (rev uint64, deleted, ok bool) {
	c, ok := s.notes[id]
	return c.rev, c.deleted, ok
}

// Apply records that the server holds note id at rev (a tombstone if
// deleted, else blob). Receiving the same change again is a no-op. A
// revision lower than the one counted is ErrNoteRollback; the same revision
// with other content is ErrStateMismatch (an honest server never serves two
// contents for one revision). On error the state is unchanged.
func (s *State) Apply(id string, rev uint64, deleted bool, blob []byte) error {
	if rev == 0 || deleted != (len(blob) == 0) {
		return fmt.Errorf("apply note %s: malformed change", id)
	}
	return s.ApplyHash(id, rev, deleted, sha256.Sum256(blob))
}

// ApplyHash is Apply for a blob known by its SHA-256.
func (s *State) ApplyHash(id string, rev uint64, deleted bool, hash [32]byte) error {
	return s.applyEntry(id, rev, deleted, hash, func() (cryptobox.Entry, error) {
		return s.d.EntryOfHash(id, rev, deleted, hash)
	})
}

// applyEntry is ApplyHash with the note's entry, if it is needed, from
// entry (which may use the digester: it is not called without one).
func (s *State) applyEntry(id string, rev uint64, deleted bool, hash [32]byte, entry func() (cryptobox.Entry, error)) error {
	if rev == 0 {
		return fmt.Errorf("apply note %s: malformed change", id)
	}
	old, ok := s.notes[id]
	switch {
	case ok && rev < old.rev:
		return detect(ErrNoteRollback, fmt.Sprintf("note %s revision %d after %d", id, rev, old.rev))
	case ok && rev == old.rev && (deleted != old.deleted || hash != old.hash):
		return detect(ErrStateMismatch, fmt.Sprintf("note %s revision %d served with other content", id, rev))
	case ok && rev == old.rev:
		return nil
	}
	if s.d == nil {
		return fmt.Errorf("apply note %s: no digest key", id)
	}
	e, err := entry()
	if err != nil {
		return fmt.Errorf("apply note: %w", err)
	}
	if ok {
		s.uncount(old)
	}
	s.digest.Add(e)
	if !deleted {
		s.live.Add(e)
		s.liveN++
	}
	s.notes[id] = counted{rev: rev, deleted: deleted, hash: hash, entry: e}
	return nil
}

// uncount takes c out of the sums.
func (s *State) uncount(c counted) {
	s.digest.Sub(c.entry)
	if !c.deleted {
		s.live.Sub(c.entry)
		s.liveN--
	}
}

// Remove takes id out of the state: the server no longer holds it (its
// tombstone was compacted, SPEC §10.7). Whether that is true is for the
// manifest to say: a live note removed here is still in the writer's D.
func (s *State) Remove(id string) {
	if c, ok := s.notes[id]; ok {
		s.uncount(c)
		delete(s.notes, id)
	}
}

// IDs returns the ids the state counts, in no order.
func (s *State) IDs() []string {
	ids := make([]string, 0, len(s.notes))
	for id := range s.notes {
		ids = append(ids, id)
	}
	return ids
}

// Get returns what is counted for id: its revision, whether it is a
// tombstone and the SHA-256 of its blob.
func (s *State) Get(id string) (n HashedNote, ok bool) {
	c, ok := s.notes[id]
	return HashedNote{ID: id, Rev: c.rev, Deleted: c.deleted, Hash: c.hash}, ok
}

// HashedNote is a Note known by the SHA-256 of its blob: what a device
// stores of the server's state to rebuild a State (SPEC §8).
type HashedNote struct {
	ID      string
	Rev     uint64
	Deleted bool
	Hash    [32]byte
}

// Rekey makes the state digest with d, derived from key generation gen. The
// same generation only installs d (the previous digester may be wiped);
// another one recomputes every entry from the kept hashes, in one pass
// (after a key rotation, SPEC §10.2).
func (s *State) Rekey(d *cryptobox.Digester, gen uint32) error {
	if gen == s.gen {
		s.d = d
		return nil
	}
	fresh := &State{d: d, gen: gen, notes: make(map[string]counted, len(s.notes))}
	for id, c := range s.notes {
		if err := fresh.ApplyHash(id, c.rev, c.deleted, c.hash); err != nil {
			return fmt.Errorf("rekey: %w", err)
		}
	}
	*s = *fresh
	return nil
}

// Rebuild replaces the whole state with notes, in one pass. A duplicated id
// is an error and leaves the state unchanged.
func (s *State) Rebuild(notes []Note) error {
	fresh := &State{d: s.d, gen: s.gen, notes: make(map[string]counted, len(notes))}
	for _, n := range notes {
		if _, dup := fresh.notes[n.ID]; dup {
			return fmt.Errorf("rebuild: note %s twice", n.ID)
		}
		if err := fresh.Apply(n.ID, n.Rev, n.Deleted, n.Blob); err != nil {
			return fmt.Errorf("rebuild: %w", err)
		}
	}
	*s = *fresh
	return nil
}

// Restore rebuilds the state from what a device stored (Get of every
// note), in one pass. A duplicated id is an error and leaves the state
// unchanged.
func (s *State) Restore(notes []HashedNote) error {
	fresh := &State{d: s.d, gen: s.gen, notes: make(map[string]counted, len(notes))}
	for _, n := range notes {
		if _, dup := fresh.notes[n.ID]; dup {
			return fmt.Errorf("restore: note %s twice", n.ID)
		}
		if err := fresh.ApplyHash(n.ID, n.Rev, n.Deleted, n.Hash); err != nil {
			return fmt.Errorf("restore: %w", err)
		}
	}
	*s = *fresh
	return nil
}

// Clone returns an independent copy sharing the digester.
func (s *State) Clone() *State {
	c := *s
	c.notes = maps.Clone(s.notes)
	return &c
}

// Preview returns the digest and count over live notes (what a manifest
// written now commits to, SPEC §10.3) the server will have once every op of
// an atomic batch is applied (SPEC §10.5), without changing s. An op whose
// base revision is not the counted one would conflict: that is an error.
func (s *State) Preview(ops []protocol.BatchOp) (cryptobox.Digest, uint64, error) {
	c := &State{d: s.d, gen: s.gen, notes: make(map[string]counted, len(ops)), digest: s.digest, live: s.live, liveN: s.liveN}
	return c.applyOps(ops, s.notes, nil)
}

// ApplyOps applies every op of an atomic batch to s as the server will
// (each note's blob hashed once) and returns what Preview would have: the
// digest and count over live notes. On an error s is left part-way: apply
// to a Clone.
func (s *State) ApplyOps(ops []protocol.BatchOp) (cryptobox.Digest, uint64, error) {
	return s.applyOps(ops, nil, nil)
}

// HashOps returns the SHA-256 of each op's blob, for ApplyOpsHashed.
func HashOps(ops []protocol.BatchOp) [][32]byte {
	hashes := make([][32]byte, len(ops))
	for i, op := range ops {
		hashes[i] = sha256.Sum256(op.Blob)
	}
	return hashes
}

// ApplyOpsHashed is ApplyOps with each op's blob already hashed by HashOps
// (hashes[i] is ops[i]'s): a push hashes a batch's blobs while it reads
// the queue, off the goroutine that sends and records batches.
func (s *State) ApplyOpsHashed(ops []protocol.BatchOp, hashes [][32]byte) (cryptobox.Digest, uint64, error) {
	if len(hashes) != len(ops) {
		return cryptobox.Digest{}, 0, fmt.Errorf("preview: %d hashes for %d ops", len(hashes), len(ops))
	}
	return s.applyOps(ops, nil, hashes)
}

// applyOps applies ops to s, taking a note s does not count from under
// (Preview's scratch state counts only the notes of the batch); hashes,
// if not nil, holds each op's blob's SHA-256.
func (s *State) applyOps(ops []protocol.BatchOp, under map[string]counted, hashes [][32]byte) (cryptobox.Digest, uint64, error) {
	for i, op := range ops {
		old, ok := s.notes[op.ID]
		if !ok && under != nil {
			old, ok = under[op.ID]
		}
		if old.rev != op.BaseRev {
			return cryptobox.Digest{}, 0, fmt.Errorf("preview: note %s base revision %d, counted %d", op.ID, op.BaseRev, old.rev)
		}
		deleted := op.Op == protocol.OpDelete
		if !deleted && op.Op != protocol.OpPut {
			return cryptobox.Digest{}, 0, fmt.Errorf("preview: op %q", op.Op)
		}
		if ok {
			s.notes[op.ID] = old // so Apply subtracts it
		}
		var err error
		if hashes == nil {
			err = s.Apply(op.ID, op.BaseRev+1, deleted, op.Blob)
		} else if deleted != (len(op.Blob) == 0) {
			err = fmt.Errorf("apply note %s: malformed change", op.ID)
		} else {
			err = s.ApplyHash(op.ID, op.BaseRev+1, deleted, hashes[i])
		}
		if err != nil {
			return cryptobox.Digest{}, 0, fmt.Errorf("preview: %w", err)
		}
	}
	return s.live, s.liveN, nil
}
