package syncer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"cipherleaf.dev/client/manifest"
	"cipherleaf.dev/client/vault"
	"cipherleaf.dev/shared/protocol"
)

// maxPushRows bounds how many queued notes one push pass reads; the rest go
// in the next round of Sync.
const maxPushRows = 50 * protocol.MaxBatchOps

// firstBatchRows bounds the first batch of a push. Batches go two at a
// time only once an answer of this push has said the server checks
// base_hash (SPEC §10.5.1), so until the first answer the push waits with
// one batch on the wire: with 1,000 notes in it, about 50 ms of reading,
// sealing into the manifest, sending and the server's work. A small first
// batch brings that answer, and the pipelining, about 40 ms sooner.
const firstBatchRows = 256

// sentBatch is one batch as built from the queue.
type sentBatch struct {
	sent      []vault.Note // in op order
	localOnly []vault.Note // deletes of notes the server never had
	ops       []protocol.BatchOp
	hashes    [][32]byte // SHA-256 of each op's blob (manifest.HashOps)
}

// empty reports whether sb was built from no rows.
func (sb sentBatch) empty() bool { return len(sb.sent) == 0 && len(sb.localOnly) == 0 }

// push sends the pending queue as atomic batches, each carrying the manifest
// that follows the previous one (SPEC §10.5), starting from the view
// verified by the pull just before. The queue is read a batch at a time:
// the next batch is read and built (on the state the previous one will
// make) while the previous one is on the wire.
//
// When it is sent depends on what the server checks. Each batch's
// manifest carries base_hash, the hash of the blob it is written on, and a
// server that compares it says so in every answer (base_hash_checked). Once
// an answer of this push has said so, the next batch goes out as soon as
// the previous one's request has been sent whole, before its answer, two
// in flight at most (SPEC §10.5.1): it can only be applied on top of the
// previous one, so if that one is refused, so is it, whatever another
// device wrote meanwhile. Until then (the first batch, or a server that
// never says so) a batch goes only once the previous one's answer says it
// was applied: a server that checks the base version by number alone could
// apply it on top of another device's write of that version, which every
// device would then see as a fork.
//
// A refused batch ends the push with nothing of it applied (and nothing of
// any batch after it); the next round pulls, merges and tries again. A
// lost answer, or one never waited for, leaves the write among the pending
// ones of the memory, which the next verified manifest settles.
func (e *Engine) push(ctx context.Context, rep *Report) error {
	// Never upload an envelope under a retired generation: a pull of this
	// sync may have adopted a newer key (SPEC §3.1 L1).
	if err := ResealOld(ctx, e.cfg.Vault, e.cfg.Codec); err != nil {
		return err
	}
	q := queue{e: e, left: maxPushRows}
	total, err := q.count(ctx)
	if err != nil {
		return err
	}
	e.held = 0
	v := e.view
	if v == nil {
		return fmt.Errorf("push changes: no verified manifest view")
	}
	ctx, cancel := context.WithCancel(ctx)
	ahead := q.readAhead(ctx)
	defer func() {
		cancel() // a batch still in flight when the push ends is dropped
		for range ahead {
		}
	}()
	// next returns the next batch, read and built ahead.
	next := func() (sentBatch, error) {
		b, ok := <-ahead
		if !ok {
			return sentBatch{}, nil
		}
		e.held += b.held
		return b.sb, b.err
	}
	sb, err := next()
	if err != nil || sb.empty() {
		return err
	}
	spec := *v // the view once every batch built so far is applied
	out, err := e.prepare(&spec, sb)
	if err != nil {
		return err
	}
	var flights []*flight // sent, answer not yet settled, oldest first
	checks := false       // an answer of this push said base_hash_checked
	// mayGo reports whether out may be sent now.
	mayGo := func() bool {
		switch {
		case out == nil:
			return false
		case len(flights) == 0:
			return true
		default:
			return len(flights) == 1 && checks && flights[0].isWritten()
		}
	}
	// dispatch sends out and reads and builds the batch after it.
	dispatch := func() error {
		f, err := e.dispatch(ctx, v, out)
		if err != nil {
			return err
		}
		flights = append(flights, f)
		out = nil
		sb, err := next()
		if err != nil || sb.empty() {
			return err
		}
		out, err = e.prepare(&spec, sb)
		return err
	}
	done := 0
	for out != nil || len(flights) > 0 {
		if mayGo() {
			if err := dispatch(); err != nil {
				return err
			}
			continue
		}
		head := flights[0]
		var wrote <-chan struct{} // nil: not waited for
		if out != nil && len(flights) == 1 && checks {
			wrote = head.written
		}
		var r sent
		select {
		case r = <-head.ch:
		case <-wrote:
			continue
		}
		flights = flights[1:]
		if r.st != nil && r.err == nil {
			checks = r.resp.BaseHashChecked
		}
		// The next batch goes before this answer is recorded.
		if r.accepted() && mayGo() {
			if err := dispatch(); err != nil {
				return err
			}
		}
		applied, err := e.settle(ctx, v, r, rep)
		if err != nil || !applied {
			return err
		}
		done += len(r.sb.sent) + len(r.sb.localOnly)
		e.cfg.Progress(done, max(done, total-e.held))
	}
	return nil
}

// outgoing is a batch built and sealed, not yet sent.
type outgoing struct {
	sb   sentBatch
	base uint64          // the manifest version it follows
	st   *manifest.State // the view once it is applied; nil: no ops
	w    manifest.Write
}

// prepare seals sb's manifest write on spec, the view once every batch
// before it is applied, and moves spec past it.
func (e *Engine) prepare(spec *view, sb sentBatch) (*outgoing, error) {
	out := &outgoing{sb: sb}
	if len(out.sb.ops) == 0 {
		return out, nil
	}
	st, w, err := e.nextWrite(spec, out.sb.ops, out.sb.hashes)
	if err != nil {
		return nil, err
	}
	out.base, out.st, out.w = spec.cur.Version, st, w
	spec.st, spec.cur, spec.curP = st, w.Manifest, w.Payload
	return out, nil
}

// flight is a batch sent, its answer to come.
type flight struct {
	ch <-chan sent
	// written is closed once the request has been sent whole (or failed
	// to be); nil when the remote cannot tell (it is never waited for).
	written <-chan struct{}
}

// isWritten reports whether f's request has been sent whole.
func (f *flight) isWritten() bool {
	select {
	case <-f.written:
		return true
	default:
		return false
	}
}

// dispatch sends out in the background, once its write is remembered as
// pending: a lost answer must not make our own manifest look like a fork
// on the next pull. A batch without ops (deletes of notes the server never
// had) is answered at once.
func (e *Engine) dispatch(ctx context.Context, v *view, out *outgoing) (*flight, error) {
	if out.st == nil {
		ch := make(chan sent, 1)
		ch <- sent{sb: out.sb}
		written := make(chan struct{})
		close(written)
		return &flight{ch: ch, written: written}, nil
	}
	pending := v.mem.WithPending(out.w.Head())
	if err := e.saveMemory(ctx, pending); err != nil {
		return nil, err
	}
	v.mem = pending
	return e.send(ctx, out), nil
}

// queue reads the pending queue for one push, a batch at a time, in queue
// order. A note goes in at most one batch of a push: if it is queued again
// behind its own batch (acknowledged, then edited), the next round sends
// it, on the base the acknowledgement recorded.
type queue struct {
	e    *Engine
	seq  int64 // queue position of the last row read
	left int   // rows this push may still read
	seen map[string]bool
	read bool // a batch was read
}

// readRows is one batch as read and built by readAhead, and how many
// queued notes it held back.
type readRows struct {
	sb   sentBatch
	held int
	err  error
}

// readAhead reads the queue's batches on a goroutine of its own, one batch
// ahead of the push: reading 1,000 queued rows takes about as long as
// building and sending a batch. The channel closes after the last batch
// (no rows), an error, or once ctx is done; the reader then has returned.
func (q *queue) readAhead(ctx context.Context) <-chan readRows {
	ch := make(chan readRows, 1)
	go func() {
		defer close(ch)
		for {
			var b readRows
			var rows []vault.Note
			rows, b.held, b.err = q.next(ctx)
			b.sb = build(rows)
			select {
			case ch <- b:
			case <-ctx.Done():
				return
			}
			if b.err != nil || b.sb.empty() {
				return
			}
		}
	}()
	return ch
}

// count returns how many entries the queue holds, up to maxPushRows.
func (q *queue) count(ctx context.Context) (int, error) {
	n, err := q.e.cfg.Vault.PendingCount(ctx)
	return min(n, q.left), err
}

// limit is how many queued rows the next read takes: firstBatchRows for
// the first batch of a push, then the configured size. It counts the read.
func (q *queue) limit() int {
	n := min(q.left, q.e.cfg.BatchSize)
	if !q.read {
		n = min(n, firstBatchRows)
	}
	q.read = true
	return n
}

// next returns the rows of the next batch, none at the end of the queue,
// leaving out notes held by an open typing session (counted in held).
func (q *queue) next(ctx context.Context) (out []vault.Note, held int, err error) {
	for q.left > 0 && len(out) == 0 {
		var rows []vault.Note
		err := q.e.cfg.Vault.View(ctx, func(tx *vault.Tx) error {
			var err error
			rows, q.seq, err = tx.PendingAfter(q.seq, q.limit())
			return err
		})
		if err != nil {
			return nil, held, err
		}
		if len(rows) == 0 {
			return nil, held, nil
		}
		q.left -= len(rows)
		if q.seen == nil {
			q.seen = make(map[string]bool)
		}
		for _, r := range rows {
			switch {
			case q.seen[r.ID]:
			case q.e.cfg.Hold != nil && q.e.cfg.Hold(r.ID):
				held++
			default:
				q.seen[r.ID] = true
				out = append(out, r)
			}
		}
	}
	return out, held, nil
}

// sent is one batch with the server's answer.
type sent struct {
	sb   sentBatch
	st   *manifest.State // the view once it is applied; nil: no ops
	w    manifest.Write
	resp *protocol.BatchResponse
	err  error
}

// accepted reports whether the server says it applied the batch (a batch
// without ops needs no answer).
func (r sent) accepted() bool {
	return r.st == nil || r.err == nil && r.resp.Applied
}

// batchWriter is a Remote that tells when a batch's request has been sent
// whole (*apiclient.Client does). A push sends the next batch before an
// answer only through one.
type batchWriter interface {
	BatchWritten(ctx context.Context, req protocol.BatchRequest, written func()) (*protocol.BatchResponse, error)
}

// send posts one atomic batch in the background. Its manifest names the
// blob it is written on by hash (the payload's prev, "" on version 0).
func (e *Engine) send(ctx context.Context, out *outgoing) *flight {
	ch := make(chan sent, 1)
	f := &flight{ch: ch}
	req := protocol.BatchRequest{Ops: out.sb.ops, Manifest: &protocol.PutManifestRequest{
		BaseVersion: out.base, BaseHash: out.w.Payload.Prev, Blob: out.w.Manifest.Blob}}
	bw, tells := e.cfg.Remote.(batchWriter)
	var written chan struct{}
	if tells {
		written = make(chan struct{})
		f.written = written
	}
	go func() {
		var resp *protocol.BatchResponse
		var err error
		if tells {
			var once sync.Once
			resp, err = bw.BatchWritten(ctx, req, func() { once.Do(func() { close(written) }) })
		} else {
			resp, err = e.cfg.Remote.Batch(ctx, req)
		}
		ch <- sent{sb: out.sb, st: out.st, w: out.w, resp: resp, err: err}
	}()
	return f
}

// settle checks a batch's answer and records it if applied.
func (e *Engine) settle(ctx context.Context, v *view, r sent, rep *Report) (bool, error) {
	if r.st == nil {
		return true, e.applyBatch(ctx, v, r.sb, nil, nil, manifest.Write{}, rep)
	}
	if r.err != nil {
		return false, fmt.Errorf("push changes: %w", r.err)
	}
	if !r.resp.Applied {
		// The write stays pending: this answer may come from a retry of a
		// request that was applied. The next verified manifest settles it.
		e.cfg.Logger.Debug("atomic batch refused", "ops", len(r.sb.ops), "version", r.w.Manifest.Version)
		return false, e.rescueRefused(ctx, v, r, rep)
	}
	if len(r.resp.Results) != len(r.sb.ops) {
		return false, fmt.Errorf("push changes: %d results for %d operations: %w", len(r.resp.Results), len(r.sb.ops), ErrBadResponse)
	}
	for i, res := range r.resp.Results {
		if res.ID != r.sb.ops[i].ID || res.Status != protocol.StatusOK || res.Rev != r.sb.ops[i].BaseRev+1 {
			return false, fmt.Errorf("push changes: result %d of an applied batch: %w", i, ErrBadResponse)
		}
	}
	// The server applied it: record that even if the sync is being
	// cancelled, or the next pull would meet our own write as a stranger's
	// (and a newer local edit of the note as a conflict with it).
	return true, e.applyBatch(context.WithoutCancel(ctx), v, r.sb, r.resp.Results, r.st, r.w, rep)
}

// build turns queued rows into batch operations, their blobs hashed for
// the manifest (readAhead builds on its own goroutine, so the hashing of
// about 2 MiB per batch stays off the one that sends and records batches).
func build(rows []vault.Note) sentBatch {
	var sb sentBatch
	for _, r := range rows {
		switch {
		case r.Op == vault.OpDelete && r.BaseRev == 0:
			sb.localOnly = append(sb.localOnly, r)
		case r.Op == vault.OpDelete:
			sb.ops = append(sb.ops, protocol.BatchOp{Op: protocol.OpDelete, ID: r.ID, BaseRev: r.BaseRev})
			sb.sent = append(sb.sent, r)
		default:
			sb.ops = append(sb.ops, protocol.BatchOp{Op: protocol.OpPut, ID: r.ID, BaseRev: r.BaseRev, Blob: r.Envelope})
			sb.sent = append(sb.sent, r)
		}
	}
	sb.hashes = manifest.HashOps(sb.ops)
	return sb
}

// nextWrite returns the view once every op is applied and the manifest
// write that commits to it, sealed under the current key generation.
func (e *Engine) nextWrite(v *view, ops []protocol.BatchOp, hashes [][32]byte) (*manifest.State, manifest.Write, error) {
	b := e.cfg.Codec.Bundle()
	if b == nil {
		return nil, manifest.Write{}, ErrLocked
	}
	st := v.st.Clone()
	gen := b.Current().Gen
	if st.Generation() != gen {
		d, err := e.digester(gen)
		if err != nil {
			return nil, manifest.Write{}, err
		}
		if err := st.Rekey(d, gen); err != nil {
			return nil, manifest.Write{}, err
		}
	}
	dg, n, err := st.ApplyOpsHashed(ops, hashes)
	if err != nil {
		return nil, manifest.Write{}, fmt.Errorf("push changes: %w", err)
	}
	w, err := manifest.NextWrite(b, e.cfg.Codec.UserID, v.device, &v.cur, v.curP, dg, n)
	if err != nil {
		return nil, manifest.Write{}, err
	}
	return st, w, nil
}

// applyBatch records an applied batch in one transaction: the pushed rows,
// the server view of their notes and the new manifest memory (which keeps
// the pending writes of later batches still in flight).
func (e *Engine) applyBatch(ctx context.Context, v *view, sb sentBatch, results []protocol.BatchResult, st *manifest.State, w manifest.Write, rep *Report) error {
	var memBlob []byte
	mem := w.Mem
	if st != nil {
		for _, q := range v.mem.Pending {
			if q.Version > mem.HighestVersion {
				mem = mem.WithPending(q)
			}
		}
		var err error
		if memBlob, err = mem.MarshalBinary(); err != nil {
			return err
		}
	}
	var ups []Update
	err := e.cfg.Vault.Update(ctx, func(tx *vault.Tx) error {
		for _, r := range sb.localOnly {
			if _, err := tx.Dequeue(r.ID, r.Version); err != nil {
				return err
			}
		}
		if st == nil {
			return nil
		}
		// A sent row is still the local row while its queue entry is at
		// the version read with it: every local write re-queues the note,
		// bumping that version. Those entries go in one statement, their
		// rows are recorded together; a note written meanwhile (or gone)
		// is read again and recorded on its own.
		ids := make([]string, len(results))
		queued := make([]vault.Queued, len(results))
		for i, res := range results {
			ids[i] = res.ID
			queued[i] = vault.Queued{ID: res.ID, Version: sb.sent[i].Version}
		}
		done, err := tx.DequeueEach(queued)
		if err != nil {
			return err
		}
		var puts []vault.Ack
		var deletes []vault.Note
		for i, res := range results {
			sent := sb.sent[i]
			if res.Rev != sent.BaseRev+1 {
				return fmt.Errorf("push note %s: rev %d for base %d: %w", sent.ID, res.Rev, sent.BaseRev, ErrBadResponse)
			}
			if done[i] {
				row, u := acked(sent, sent, res, rep)
				if sent.Op == vault.OpPut {
					puts = append(puts, vault.Ack{ID: row.ID, Rev: row.Rev})
				} else {
					deletes = append(deletes, row)
				}
				ups = append(ups, u...)
				continue
			}
			local, err := tx.Note(res.ID)
			if errors.Is(err, vault.ErrNotFound) {
				// Deleted here before its first push was acknowledged:
				// delete it on the server too.
				if err := e.forget(tx, res); err != nil {
					return err
				}
				continue
			}
			if err != nil {
				return err
			}
			u, err := e.pushed(tx, local, sent, res, rep)
			if err != nil {
				return err
			}
			ups = append(ups, u...)
		}
		if err := tx.AckPuts(puts); err != nil {
			return err
		}
		if err := tx.PutNotes(deletes); err != nil {
			return err
		}
		if err := putServerNotes(tx, st, ids); err != nil {
			return err
		}
		if err := tx.SetManifestMemory(memBlob); err != nil {
			return err
		}
		if err := skipOwnWrites(tx, results); err != nil {
			return err
		}
		tx.AfterCommit(func() { e.cfg.OnUpdate(ups) })
		return nil
	})
	if err != nil {
		return err
	}
	if st != nil {
		v.st, v.mem, v.cur, v.curP = st, mem, w.Manifest, w.Payload
	}
	return nil
}

// pushed records a successful write of sent. If the note was edited again
// while the push was in flight, the newer edit stays queued, re-sealed for
// the revision after the one just written.
func (e *Engine) pushed(tx *vault.Tx, local, sent vault.Note, res protocol.BatchResult, rep *Report) ([]Update, error) {
	if res.Rev != sent.BaseRev+1 {
		return nil, fmt.Errorf("push note %s: rev %d for base %d: %w", sent.ID, res.Rev, sent.BaseRev, ErrBadResponse)
	}
	ok, err := tx.Dequeue(local.ID, sent.Version)
	if err != nil {
		return nil, err
	}
	if ok {
		row, u := acked(local, sent, res, rep)
		return u, tx.PutNote(row)
	}
	rep.Pushed++
	local.SeenRev = max(local.SeenRev, res.Rev)
	// Edited again meanwhile: what we sent is now the base.
	local.BaseRev, local.BaseEnvelope = res.Rev, nil
	if sent.Op == vault.OpPut {
		local.BaseEnvelope = sent.Envelope
	}
	if local.Op == vault.OpPut {
		env, gen, err := e.cfg.Codec.Reseal(local.ID, local.Rev, res.Rev+1, local.Envelope)
		if err != nil {
			return nil, err
		}
		local.Envelope, local.Gen = env, gen
	}
	local.Rev = res.Rev + 1
	if err := tx.PutNote(local); err != nil {
		return nil, err
	}
	return nil, nil
}

// acked is the row of local once the write of sent, still its pending
// one, is acknowledged by res (its queue entry just removed), and what the
// owner of the in-memory notes learns from it.
func acked(local, sent vault.Note, res protocol.BatchResult, rep *Report) (vault.Note, []Update) {
	rep.Pushed++
	local.SeenRev = max(local.SeenRev, res.Rev)
	local.BaseRev, local.Rev, local.BaseEnvelope = res.Rev, res.Rev, nil
	if sent.Op == vault.OpDelete {
		local.Envelope, local.Gen, local.Deleted = nil, 0, true
		return local, nil
	}
	return local, []Update{{ID: local.ID, Keep: true}}
}

// forget queues the deletion of a note that was written to the server while
// the device dropped it locally (never-pushed notes are deleted outright).
func (e *Engine) forget(tx *vault.Tx, res protocol.BatchResult) error {
	if res.Status != protocol.StatusOK {
		return nil
	}
	row := vault.Note{ID: res.ID, Rev: res.Rev + 1, BaseRev: res.Rev, SeenRev: res.Rev, Deleted: true}
	if err := tx.PutNote(row); err != nil {
		return err
	}
	return tx.Queue(res.ID, vault.OpDelete)
}

// skipOwnWrites advances the cursor over the sequence numbers this batch
// just took, as long as they directly follow it: no other device wrote in
// between, so pulling them would only bring back our own envelopes.
func skipOwnWrites(tx *vault.Tx, results []protocol.BatchResult) error {
	var seqs []uint64
	for _, r := range results {
		if r.Status == protocol.StatusOK {
			seqs = append(seqs, r.Seq)
		}
	}
	if len(seqs) == 0 {
		return nil
	}
	slices.Sort(seqs)
	cur, err := tx.Cursor()
	if err != nil {
		return err
	}
	next := cur
	for _, s := range seqs {
		if s != next+1 {
			break
		}
		next = s
	}
	if next == cur {
		return nil
	}
	return tx.SetCursor(next)
}
