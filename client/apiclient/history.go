package apiclient

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"cipherleaf.dev/shared/protocol"
)

// Revisions lists revisions of note id below before (0 = all), newest
// first, at most limit (SPEC §7.8).
func (c *Client) Revisions(ctx context.Context, id string, before uint64, limit int) (*protocol.RevisionsResponse, error) {
	if !protocol.ValidID(id) {
		return nil, fmt.Errorf("list revisions: %w", protocol.ErrInvalidID)
	}
	q := url.Values{}
	if before > 0 {
		q.Set("before", strconv.FormatUint(before, 10))
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	var out protocol.RevisionsResponse
	if err := c.do(ctx, call{method: http.MethodGet, path: "/notes/" + id + "/revisions", query: q, auth: true, out: &out}); err != nil {
		return nil, fmt.Errorf("list revisions: %w", err)
	}
	return &out, nil
}

// Revision fetches the envelope of revision rev of note id.
func (c *Client) Revision(ctx context.Context, id string, rev uint64) (*protocol.RevisionResponse, error) {
	if !protocol.ValidID(id) {
		return nil, fmt.Errorf("fetch revision: %w", protocol.ErrInvalidID)
	}
	var out protocol.RevisionResponse
	if err := c.do(ctx, call{method: http.MethodGet, path: "/notes/" + id + "/revisions/" + strconv.FormatUint(rev, 10), auth: true, out: &out}); err != nil {
		return nil, fmt.Errorf("fetch revision: %w", err)
	}
	return &out, nil
}
