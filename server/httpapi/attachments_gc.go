package httpapi

import (
	"context"
	"fmt"
	"time"

	"cipherleaf.dev/server"
	"cipherleaf.dev/server/blob"
)

// CollectAttachments removes the blobs and rows of attachments released,
// or left incomplete, before now − grace, and those of deleted accounts
// (SPEC §7.7). A blob is deleted before its row, so a crash in between
// leaves a row the next run collects again, never a blob without a row. It
// returns how many it removed.
func CollectAttachments(ctx context.Context, st server.Store, bs blob.Store, now time.Time, grace time.Duration) (int, error) {
	n := 0
	for {
		list, err := st.CollectableAttachments(ctx, now.Add(-grace), 500)
		if err != nil {
			return n, err
		}
		if len(list) == 0 {
			return n, nil
		}
		for _, a := range list {
			if err := bs.Delete(ctx, a.BlobKey()); err != nil {
				return n, fmt.Errorf("collect attachment: %w", err)
			}
			if err := st.RemoveAttachment(ctx, a); err != nil {
				return n, err
			}
			n++
		}
	}
}
