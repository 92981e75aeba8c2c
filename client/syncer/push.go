package syncer

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"cipherleaf.dev/client/vault"
	"cipherleaf.dev/shared/protocol"
)

// maxPushRows bounds how many queued notes one push pass reads; the rest go
// in the next round of Sync.
const maxPushRows = 50 * protocol.MaxBatchOps

// sentBatch is one batch as sent, with the server's answer.
type sentBatch struct {
	sent      []vault.Note // in op order
	localOnly []vault.Note // deletes of notes the server never had
	results   []protocol.BatchResult
	err       error
}

// push sends the pending queue in batches, the next batch in flight while
// the previous one's results are applied (one transaction per batch).
// Conflicts are resolved there and re-queued for the next round.
func (e *Engine) push(ctx context.Context, rep *Report) error {
	var rows []vault.Note
	if err := e.cfg.Vault.View(ctx, func(tx *vault.Tx) error {
		var err error
		rows, err = tx.Pending(maxPushRows)
		return err
	}); err != nil {
		return err
	}
	if len(rows) == 0 {
		return nil
	}
	var batches [][]vault.Note
	for len(rows) > 0 {
		n := min(len(rows), e.cfg.BatchSize)
		batches = append(batches, rows[:n])
		rows = rows[n:]
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	total := 0
	for _, b := range batches {
		total += len(b)
	}
	done := 0
	next := e.send(ctx, batches[0])
	for i := range batches {
		sb := <-next
		if sb.err != nil {
			return sb.err
		}
		if i+1 < len(batches) {
			next = e.send(ctx, batches[i+1])
		}
		if err := e.applyBatch(ctx, sb, rep); err != nil {
			return err
		}
		done += len(batches[i])
		e.cfg.Progress(done, total)
	}
	return nil
}

// send posts one batch in the background.
func (e *Engine) send(ctx context.Context, rows []vault.Note) <-chan sentBatch {
	ch := make(chan sentBatch, 1)
	var sb sentBatch
	var ops []protocol.BatchOp
	for _, r := range rows {
		switch {
		case r.Op == vault.OpDelete && r.BaseRev == 0:
			sb.localOnly = append(sb.localOnly, r)
		case r.Op == vault.OpDelete:
			ops = append(ops, protocol.BatchOp{Op: protocol.OpDelete, ID: r.ID, BaseRev: r.BaseRev})
			sb.sent = append(sb.sent, r)
		default:
			ops = append(ops, protocol.BatchOp{Op: protocol.OpPut, ID: r.ID, BaseRev: r.BaseRev, Blob: r.Envelope})
			sb.sent = append(sb.sent, r)
		}
	}
	if len(ops) == 0 {
		ch <- sb
		return ch
	}
	go func() {
		resp, err := e.cfg.Remote.Batch(ctx, protocol.BatchRequest{Ops: ops})
		switch {
		case err != nil:
			sb.err = fmt.Errorf("push changes: %w", err)
		case len(resp.Results) != len(ops):
			sb.err = fmt.Errorf("push changes: %d results for %d operations: %w", len(resp.Results), len(ops), ErrBadResponse)
		default:
			sb.results = resp.Results
		}
		ch <- sb
	}()
	return ch
}

// applyBatch checks a batch's results, opens the current versions of
// conflicting notes and applies everything in one transaction.
func (e *Engine) applyBatch(ctx context.Context, sb sentBatch, rep *Report) error {
	current := map[string]theirs{}
	for i, res := range sb.results {
		if res.ID != sb.sent[i].ID {
			return fmt.Errorf("push changes: result %d is for another note: %w", i, ErrBadResponse)
		}
		switch res.Status {
		case protocol.StatusOK:
		case protocol.StatusConflict:
			if res.Current == nil || res.Current.ID != res.ID {
				return fmt.Errorf("push changes: conflict without the current note: %w", ErrBadResponse)
			}
			t := theirs{c: *res.Current}
			if !t.c.Deleted {
				var err error
				t.n, err = e.open(ctx, t.c)
				if err != nil && !errors.Is(err, ErrNewerFormat) {
					return err
				}
			}
			current[res.ID] = t
		default:
			return fmt.Errorf("push changes: status %q: %w", res.Status, ErrBadResponse)
		}
	}
	var ups []Update
	return e.cfg.Vault.Update(ctx, func(tx *vault.Tx) error {
		for _, r := range sb.localOnly {
			if _, err := tx.Dequeue(r.ID, r.Version); err != nil {
				return err
			}
		}
		ts := make([]theirs, len(sb.results))
		for i, res := range sb.results {
			ts[i].c.ID = res.ID
		}
		rows, err := loadRows(tx, ts)
		if err != nil {
			return err
		}
		for i, res := range sb.results {
			local, ok, err := rows.get(tx, res.ID)
			if err != nil {
				return err
			}
			if !ok {
				// Deleted here before its first push was acknowledged:
				// delete it on the server too.
				if err := e.forget(tx, res); err != nil {
					return err
				}
				continue
			}
			var u []Update
			if res.Status == protocol.StatusOK {
				u, err = e.pushed(tx, local, sb.sent[i], res, rep)
			} else {
				u, err = e.resolve(tx, local, true, current[res.ID], rep)
			}
			if err != nil {
				return err
			}
			ups = append(ups, u...)
		}
		if err := skipOwnWrites(tx, sb.results); err != nil {
			return err
		}
		tx.AfterCommit(func() { e.cfg.OnUpdate(ups) })
		return nil
	})
}

// pushed records a successful write of sent. If the note was edited again
// while the push was in flight, the newer edit stays queued, re-sealed for
// the revision after the one just written.
func (e *Engine) pushed(tx *vault.Tx, local, sent vault.Note, res protocol.BatchResult, rep *Report) ([]Update, error) {
	if res.Rev != sent.BaseRev+1 {
		return nil, fmt.Errorf("push note %s: rev %d for base %d: %w", sent.ID, res.Rev, sent.BaseRev, ErrBadResponse)
	}
	rep.Pushed++
	local.SeenRev = max(local.SeenRev, res.Rev)
	ok, err := tx.Dequeue(local.ID, sent.Version)
	if err != nil {
		return nil, err
	}
	if ok {
		local.BaseRev, local.Rev, local.BaseEnvelope = res.Rev, res.Rev, nil
		if sent.Op == vault.OpDelete {
			local.Envelope, local.Gen, local.Deleted = nil, 0, true
		}
		if err := tx.PutNote(local); err != nil {
			return nil, err
		}
		if sent.Op == vault.OpDelete {
			return nil, nil
		}
		return []Update{{ID: local.ID, Keep: true}}, nil
	}
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
