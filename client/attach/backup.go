package attach

import (
	"encoding/hex"
	"fmt"
	"io"
	"os"

	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/note"
)

// OpenBlob opens the blob read from r as the attachment ref of user
// userID (SPEC §11.2), writing its content to w as each chunk
// authenticates. Content written before an error is not to be trusted.
func OpenBlob(r io.Reader, userID string, ref note.Attachment, w io.Writer) error {
	return openInto(r, userID, ref, w)
}

// CopyBlob writes the cached blob of ref, byte for byte, to w, opening it
// on the way (SPEC §9.1: a backup carries blobs as stored, verified).
// ErrNotCached if the blob is absent.
func (s *Store) CopyBlob(userID string, ref note.Attachment, w io.Writer) error {
	f, err := os.Open(s.blobPath(ref.ID))
	if os.IsNotExist(err) {
		return ErrNotCached
	}
	if err != nil {
		return fmt.Errorf("copy attachment: %w", err)
	}
	defer f.Close()
	return openInto(io.TeeReader(f, w), userID, ref, io.Discard)
}

// StageBlob reads the blob of ref, sealed for user from (a backup's,
// SPEC §9.1), and seals its content again for user userID under a new id
// and key while it opens chunk by chunk. It returns the staged blob with
// the new reference (same name, type, size and hash) for Commit, or
// ErrTampered if the blob does not open as ref says. Nothing is left
// behind on an error.
func (s *Store) StageBlob(userID, from string, ref note.Attachment, blob io.Reader) (Staged, error) {
	return s.stage("stage attachment", userID, nil, func(w *cryptobox.AttachmentWriter) (note.Attachment, error) {
		if err := openInto(blob, from, ref, w); err != nil {
			return note.Attachment{}, err
		}
		if err := w.Close(); err != nil {
			return note.Attachment{}, fmt.Errorf("stage attachment: %w", err)
		}
		if sum := w.Sum(); hex.EncodeToString(sum[:]) != ref.SHA256 {
			return note.Attachment{}, fmt.Errorf("stage attachment %s: content hash: %w", ref.ID, ErrTampered)
		}
		return note.Attachment{Name: ref.Name, Type: ref.Type, Size: ref.Size, SHA256: ref.SHA256}, nil
	})
}
