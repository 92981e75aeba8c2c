package syncer

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"cipherleaf.dev/client/vault"
	"cipherleaf.dev/shared/protocol"
)

// push sends the pending queue in batches. Each batch's results are applied
// in one transaction; conflicts are resolved there and re-queued for the
// next batch or round.
func (e *Engine) push(ctx context.Context, rep *Report) error {
	total, err := e.cfg.Vault.PendingCount(ctx)
	if err != nil {
		return err
	}
	batches := (total+e.cfg.BatchSize-1)/e.cfg.BatchSize + 1
	done := 0
	for range batches {
		var rows []vault.Note
		if err := e.cfg.Vault.View(ctx, func(tx *vault.Tx) error {
			rows, err = tx.Pending(e.cfg.BatchSize)
			return err
		}); err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		var ops []protocol.BatchOp
		var sent []vault.Note
		var localOnly []vault.Note
		for _, r := range rows {
			switch {
			case r.Op == vault.OpDelete && r.BaseRev == 0:
				localOnly = append(localOnly, r)
			case r.Op == vault.OpDelete:
				ops = append(ops, protocol.BatchOp{Op: protocol.OpDelete, ID: r.ID, BaseRev: r.BaseRev})
				sent = append(sent, r)
			default:
				ops = append(ops, protocol.BatchOp{Op: protocol.OpPut, ID: r.ID, BaseRev: r.BaseRev, Blob: r.Envelope})
				sent = append(sent, r)
			}
		}
		var results []protocol.BatchResult
		current := map[string]theirs{}
		if len(ops) > 0 {
			resp, err := e.cfg.Remote.Batch(ctx, protocol.BatchRequest{Ops: ops})
			if err != nil {
				return fmt.Errorf("push changes: %w", err)
			}
			if len(resp.Results) != len(ops) {
				return fmt.Errorf("push changes: %d results for %d operations: %w", len(resp.Results), len(ops), ErrBadResponse)
			}
			results = resp.Results
			for i, res := range results {
				if res.ID != ops[i].ID {
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
		}
		var ups []Update
		err := e.cfg.Vault.Update(ctx, func(tx *vault.Tx) error {
			for _, r := range localOnly {
				if _, err := tx.Dequeue(r.ID, r.Version); err != nil {
					return err
				}
			}
			ts := make([]theirs, len(results))
			for i, res := range results {
				ts[i].c.ID = res.ID
			}
			rows, err := loadRows(tx, ts)
			if err != nil {
				return err
			}
			for i, res := range results {
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
					u, err = e.pushed(tx, local, sent[i], res, rep)
				} else {
					u, err = e.resolve(tx, local, true, current[res.ID], rep)
				}
				if err != nil {
					return err
				}
				ups = append(ups, u...)
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
		done += len(rows)
		e.cfg.Progress(done, total)
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
