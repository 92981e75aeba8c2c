package attach

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"cipherleaf.dev/shared/note"
	"cipherleaf.dev/shared/protocol"
	"cipherleaf.dev/shared/writeback"
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

// fetchAttempts bounds the attempts of one Fetch that each made progress
// before failing (a link that keeps dropping still ends).
const fetchAttempts = 64

// sealedChunk is the size of one sealed chunk of a blob (SPEC §11.2).
const sealedChunk = protocol.AttachmentChunkSize + protocol.AttachmentTagSize

// Fetch makes sure ref's blob is in the profile: it downloads it, opening
// it on the way (content goes to w, which may be io.Discard), and keeps it
// only when the whole blob opened. A cached blob is opened from disk.
//
// A download cut off keeps its verified prefix in <id>.part (SPEC §11.6):
// the next attempt — at once while attempts make progress, or in a later
// call — opens that prefix again from disk and asks the server for the
// rest with a Range request. w gets every content byte exactly once.
func (s *Store) Fetch(ctx context.Context, r Remote, userID string, ref note.Attachment, w io.Writer, progress Progress) error {
	if s.Has(ref.ID) {
		return s.Open(userID, ref, w)
	}
	if r == nil {
		return ErrNotCached
	}
	out := &onceWriter{w: w}
	for attempt := 1; ; attempt++ {
		before := out.released
		err := s.fetchOnce(ctx, r, userID, ref, out, progress)
		if err == nil || errors.Is(err, ErrTampered) || out.err != nil || ctx.Err() != nil ||
			out.released == before || attempt == fetchAttempts || IsNotFound(err) {
			return err
		}
	}
}

// fetchOnce is one download attempt, resuming from <id>.part.
func (s *Store) fetchOnce(ctx context.Context, r Remote, userID string, ref note.Attachment, w *onceWriter, progress Progress) error {
	total := protocol.AttachmentBlobSize(ref.Size)
	part := s.marker(ref.ID, "part")
	f, err := os.OpenFile(part, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("download attachment: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			f.Close()
		}
	}()
	have, err := verifiedPrefix(f, total, total)
	if err != nil {
		return err
	}
	w.start()
	// The part file is written through a buffer: the answer arrives in
	// HTTP/2 frames of 16 KiB, one write each otherwise.
	buf := bufio.NewWriterSize(writeback.New(f, have), partBuffer)
	fail := func(err error) error {
		_ = buf.Flush() // keep what was received (cut back below)
		if errors.Is(err, ErrTampered) {
			f.Close()
			os.Remove(part)
			return err
		}
		// Keep only the chunks whose content was released: verified.
		if _, terr := verifiedPrefix(f, 16+sealedChunk*(w.attemptReleased()/protocol.AttachmentChunkSize), total); terr == nil {
			_ = f.Sync()
		}
		return err
	}
	body := io.ReadCloser(io.NopCloser(strings.NewReader("")))
	if have < total { // a part file as long as the blob needs nothing more
		if body, err = r.DownloadAttachment(ctx, ref.ID, have); err != nil {
			return fail(fmt.Errorf("download attachment: %w", err))
		}
	}
	defer body.Close()
	if _, err := f.Seek(have, io.SeekStart); err != nil {
		return fmt.Errorf("download attachment: %w", err)
	}
	pw := &progressWriter{w: buf, done: have, total: total, fn: progress}
	// The prefix on disk is opened again (never trusted), then the
	// server's bytes follow, appended to the part file as they are read;
	// at most the rest of the blob plus one byte is read, so an endless
	// answer fails.
	src := io.MultiReader(io.NewSectionReader(f, 0, have), io.TeeReader(io.LimitReader(ctxReader{ctx, body}, total-have+1), pw))
	if err := openInto(src, userID, ref, w); err != nil {
		return fail(err)
	}
	if err := buf.Flush(); err != nil {
		return fail(fmt.Errorf("download attachment: %w", err))
	}
	if err := f.Sync(); err != nil {
		return fail(fmt.Errorf("download attachment: %w", err))
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("download attachment: %w", err)
	}
	ok = true
	if err := os.Rename(part, s.blobPath(ref.ID)); err != nil {
		return fmt.Errorf("download attachment: %w", err)
	}
	return nil
}

// partBuffer is the write buffer of a download's part file.
const partBuffer = 256 << 10

// ctxReader ends a read as soon as ctx is done, even while the answer's
// bytes are already buffered (Cancel stops a download at once).
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// keepPart returns how much of a part file of n bytes is kept as the
// prefix of a blob of total bytes: whole sealed chunks after the header;
// nothing when the file is longer than the blob (not its prefix).
func keepPart(n, total int64) int64 {
	if n > total || n < 16+sealedChunk {
		return 0
	}
	return 16 + sealedChunk*((n-16)/sealedChunk)
}

// verifiedPrefix cuts the part file f back to keepPart of its length and
// at most limit bytes, and returns that length.
func verifiedPrefix(f *os.File, limit, total int64) (int64, error) {
	fi, err := f.Stat()
	if err != nil {
		return 0, fmt.Errorf("download attachment: %w", err)
	}
	n := keepPart(fi.Size(), total)
	n = min(n, keepPart(limit, total))
	if n != fi.Size() {
		if err := f.Truncate(n); err != nil {
			return 0, fmt.Errorf("download attachment: %w", err)
		}
	}
	return n, nil
}

// onceWriter passes content to w exactly once across attempts: an attempt
// that opens the verified prefix again skips what w already has. Its own
// write errors are kept apart (never retried).
type onceWriter struct {
	w        io.Writer
	released int64 // content bytes released in all attempts (max)
	attempt  int64 // content bytes released in the current attempt
	err      error
}

func (o *onceWriter) start()                 { o.attempt = 0 }
func (o *onceWriter) attemptReleased() int64 { return o.attempt }

func (o *onceWriter) Write(p []byte) (int, error) {
	n := len(p)
	start := o.attempt
	o.attempt += int64(n)
	if skip := o.released - start; skip > 0 {
		if skip >= int64(n) {
			return n, nil
		}
		p = p[skip:]
	}
	m, err := o.w.Write(p)
	o.released += int64(m)
	if err != nil {
		o.err = err
		return n - len(p) + m, err
	}
	return n, nil
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
	if err := s.Fetch(ctx, r, userID, ref, writeback.New(tmp, 0), progress); err != nil {
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
