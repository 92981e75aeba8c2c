package attach

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"cipherleaf.dev/shared/note"
	"cipherleaf.dev/shared/protocol"
)

// Remote is what transfers need of the server (SPEC §7.7);
// *apiclient.Client implements it.
type Remote interface {
	DeclareAttachment(ctx context.Context, id string, size int64) (*protocol.AttachmentStatus, error)
	UploadAttachment(ctx context.Context, id string, offset int64, body io.Reader, n int64) (*protocol.AttachmentStatus, error)
	DownloadAttachment(ctx context.Context, id string, from int64) (io.ReadCloser, error)
	ReleaseAttachment(ctx context.Context, id string) error
}

// PartSize is the most bytes one upload request carries: a request that
// fails costs at most this much again.
const PartSize = 32 << 20

// Progress is told the bytes moved of a transfer so far and its total.
type Progress func(done, total int64)

// Upload sends id's blob from where the server's copy ends and removes
// its upload marker once the server holds it completely.
func (s *Store) Upload(ctx context.Context, r Remote, id string, progress Progress) error {
	f, err := os.Open(s.blobPath(id))
	if err != nil {
		return fmt.Errorf("upload attachment: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("upload attachment: %w", err)
	}
	size := fi.Size()
	st, err := r.DeclareAttachment(ctx, id, size)
	if err != nil {
		return fmt.Errorf("upload attachment: %w", err)
	}
	for !st.Complete {
		if st.Offset < 0 || st.Offset >= size || st.Size != size {
			return fmt.Errorf("upload attachment: server reports offset %d of %d for a blob of %d bytes", st.Offset, st.Size, size)
		}
		if progress != nil {
			progress(st.Offset, size)
		}
		n := min(PartSize, size-st.Offset)
		next, err := r.UploadAttachment(ctx, id, st.Offset, io.NewSectionReader(f, st.Offset, n), n)
		if err != nil {
			return fmt.Errorf("upload attachment: %w", err)
		}
		if next.Offset <= st.Offset && !next.Complete {
			return fmt.Errorf("upload attachment: no progress at offset %d", st.Offset)
		}
		st = next
	}
	if progress != nil {
		progress(size, size)
	}
	return s.Forget(id)
}

// Release tells the server id is no longer referenced and removes it from
// the profile.
func (s *Store) Release(ctx context.Context, r Remote, id string) error {
	if err := r.ReleaseAttachment(ctx, id); err != nil {
		return fmt.Errorf("release attachment: %w", err)
	}
	return s.Remove(id)
}

// Fetch makes sure ref's blob is in the profile: it downloads it, opening
// it on the way (content goes to w, which may be io.Discard), and keeps it
// only when the whole blob opened. A cached blob is opened from disk.
func (s *Store) Fetch(ctx context.Context, r Remote, userID string, ref note.Attachment, w io.Writer, progress Progress) error {
	if s.Has(ref.ID) {
		return s.Open(userID, ref, w)
	}
	if r == nil {
		return ErrNotCached
	}
	body, err := r.DownloadAttachment(ctx, ref.ID, 0)
	if err != nil {
		return fmt.Errorf("download attachment: %w", err)
	}
	defer body.Close()
	tmp := s.blobPath(ref.ID) + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("download attachment: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	total := protocol.AttachmentBlobSize(ref.Size)
	// The server's bytes go to the cache as they are opened; at most the
	// expected blob size plus one byte is read, so an endless answer fails.
	src := io.TeeReader(io.LimitReader(body, total+1), &progressWriter{w: f, total: total, fn: progress})
	if err := openInto(src, userID, ref, w); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("download attachment: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("download attachment: %w", err)
	}
	if err := os.Rename(tmp, s.blobPath(ref.ID)); err != nil {
		return fmt.Errorf("download attachment: %w", err)
	}
	ok = true
	return nil
}

type progressWriter struct {
	w     io.Writer
	done  int64
	total int64
	fn    Progress
}

func (p *progressWriter) Write(b []byte) (int, error) {
	n, err := p.w.Write(b)
	p.done += int64(n)
	if p.fn != nil {
		p.fn(p.done, p.total)
	}
	return n, err
}

// SaveAs writes ref's content to dest, fetching the blob if needed. The
// content goes to a temporary file beside dest that replaces it only after
// the whole blob opened: on any failure dest is untouched.
func (s *Store) SaveAs(ctx context.Context, r Remote, userID string, ref note.Attachment, dest string, progress Progress) (err error) {
	tmp, err := s.createTemp(filepath.Dir(dest), "."+filepath.Base(dest)+".*.tmp")
	if err != nil {
		return fmt.Errorf("save attachment: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := s.Fetch(ctx, r, userID, ref, tmp, progress); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("save attachment: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save attachment: %w", err)
	}
	if err := os.Rename(tmp.Name(), dest); err != nil {
		return fmt.Errorf("save attachment: %w", err)
	}
	return nil
}

// IsNotFound reports whether err is the server's 404 for an attachment.
func IsNotFound(err error) bool {
	var ae *protocol.APIError
	return errors.As(err, &ae) && ae.Code == protocol.CodeNotFound
}

// TempFile is where SaveAs writes before renaming; *os.File is one.
type TempFile interface {
	io.Writer
	Sync() error
	Close() error
	Name() string
}
