package apiclient

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"sync"

	"cipherleaf.dev/shared/protocol"
)

// Changes fetches one page of the change feed after seq since; limit 0 takes
// the server's default. A page that claims more but does not advance is
// ErrBadResponse, so a sync loop cannot spin forever.
func (c *Client) Changes(ctx context.Context, since uint64, limit int) (*protocol.ChangesResponse, error) {
	return c.ChangesAhead(ctx, since, limit, nil)
}

// ChangesAhead is Changes that also calls ahead, once the page's bytes
// have all arrived and before they are decoded, with the cursor the page
// says it ends at and whether it says more follow (pageClaim): a caller
// can ask for the next page while this one is decoded. It is only a
// claim, read without checking the rest of the page; the page returned
// is what counts. ahead is not called when the claim cannot be read.
func (c *Client) ChangesAhead(ctx context.Context, since uint64, limit int, ahead func(next uint64, more bool)) (*protocol.ChangesResponse, error) {
	q := url.Values{"since": {strconv.FormatUint(since, 10)}}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	var out protocol.ChangesResponse
	cl := call{method: http.MethodGet, path: "/notes", query: q, auth: true, out: &out}
	if ahead != nil {
		cl.peek = func(body []byte) {
			if next, more, ok := pageClaim(body); ok {
				ahead(next, more)
			}
		}
	}
	if err := c.do(ctx, cl); err != nil {
		return nil, fmt.Errorf("fetch changes: %w", err)
	}
	if out.More && out.Next <= since {
		return nil, fmt.Errorf("fetch changes: %w: page does not advance past %d", ErrBadResponse, since)
	}
	return &out, nil
}

// PutNote writes revision req.BaseRev+1 of note id; *ConflictError when the
// server's revision is not req.BaseRev.
func (c *Client) PutNote(ctx context.Context, id string, req protocol.PutNoteRequest) (*protocol.WriteResponse, error) {
	if !protocol.ValidID(id) {
		return nil, fmt.Errorf("put note: %w", protocol.ErrInvalidID)
	}
	var out protocol.WriteResponse
	err := c.do(ctx, call{method: http.MethodPut, path: "/notes/" + id, body: req, auth: true,
		out: &out, conflict: decodeNoteConflict})
	if err != nil {
		return nil, fmt.Errorf("put note: %w", err)
	}
	return &out, nil
}

// DeleteNote leaves a tombstone as revision baseRev+1 of note id;
// *ConflictError when the server's revision is not baseRev.
func (c *Client) DeleteNote(ctx context.Context, id string, baseRev uint64) (*protocol.WriteResponse, error) {
	if !protocol.ValidID(id) {
		return nil, fmt.Errorf("delete note: %w", protocol.ErrInvalidID)
	}
	var out protocol.WriteResponse
	err := c.do(ctx, call{method: http.MethodDelete, path: "/notes/" + id,
		query: url.Values{"base_rev": {strconv.FormatUint(baseRev, 10)}},
		auth:  true, out: &out, conflict: decodeNoteConflict})
	if err != nil {
		return nil, fmt.Errorf("delete note: %w", err)
	}
	return &out, nil
}

// Batch applies up to protocol.MaxBatchOps puts and deletes in one
// transaction; conflicts are reported per op in the results.
func (c *Client) Batch(ctx context.Context, req protocol.BatchRequest) (*protocol.BatchResponse, error) {
	return c.BatchWritten(ctx, req, nil)
}

// BatchWritten is Batch that calls written (if not nil, at most once) as
// soon as the request has been sent whole, or failed to be, before the
// answer: a push sends its next batch then (SPEC §10.5.1).
func (c *Client) BatchWritten(ctx context.Context, req protocol.BatchRequest, written func()) (*protocol.BatchResponse, error) {
	if written != nil {
		var once sync.Once
		ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
			WroteRequest: func(httptrace.WroteRequestInfo) { once.Do(written) },
		})
	}
	var out protocol.BatchResponse
	if err := c.do(ctx, call{method: http.MethodPost, path: "/notes/batch", body: req, auth: true, out: &out}); err != nil {
		return nil, fmt.Errorf("send batch: %w", err)
	}
	if len(out.Results) != len(req.Ops) {
		return nil, fmt.Errorf("send batch: %w: %d results for %d ops", ErrBadResponse, len(out.Results), len(req.Ops))
	}
	return &out, nil
}
