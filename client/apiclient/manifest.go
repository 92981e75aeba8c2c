package apiclient

import (
	"context"
	"fmt"
	"net/http"

	"cipherleaf.dev/shared/protocol"
)

// Manifest fetches the account's manifest (version 0, no blob when none).
func (c *Client) Manifest(ctx context.Context) (*protocol.Manifest, error) {
	var out protocol.Manifest
	if err := c.do(ctx, call{method: http.MethodGet, path: "/manifest", auth: true, out: &out}); err != nil {
		return nil, fmt.Errorf("fetch manifest: %w", err)
	}
	return &out, nil
}

// PutManifest replaces the manifest if req.BaseVersion is current;
// *ManifestConflictError otherwise. The answer carries the new version.
func (c *Client) PutManifest(ctx context.Context, req protocol.PutManifestRequest) (*protocol.Manifest, error) {
	var out protocol.Manifest
	err := c.do(ctx, call{method: http.MethodPut, path: "/manifest", body: req, auth: true,
		out: &out, conflict: decodeManifestConflict})
	if err != nil {
		return nil, fmt.Errorf("put manifest: %w", err)
	}
	return &out, nil
}
