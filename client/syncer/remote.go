package syncer

import (
	"context"

	"cipherleaf.dev/shared/protocol"
)

// Remote is the part of the API client (*apiclient.Client) the engine needs.
type Remote interface {
	Changes(ctx context.Context, since uint64, limit int) (*protocol.ChangesResponse, error)
	Batch(ctx context.Context, req protocol.BatchRequest) (*protocol.BatchResponse, error)
	Keys(ctx context.Context) (*protocol.KeysResponse, error)
}
