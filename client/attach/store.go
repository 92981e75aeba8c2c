package attach

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/note"
	"cipherleaf.dev/shared/protocol"
	"cipherleaf.dev/shared/writeback"
)

// Store is the attachments folder of one profile.
type Store struct {
	dir   string
	max   int64                  // largest content accepted by Seal
	newID func() (string, error) // fresh attachment ids
	// createTemp makes SaveAs's temporary file (tests make a full disk).
	createTemp func(dir, pattern string) (TempFile, error)
	afterRead  func() // tests: runs after Seal read the file
}

// Options tune a Store; zero values are the defaults.
type Options struct {
	MaxSize int64                  // protocol.MaxAttachmentSize if 0
	NewID   func() (string, error) // required: random UUIDs
}

func osCreateTemp(dir, pattern string) (TempFile, error) { return os.CreateTemp(dir, pattern) }

// Open opens (creating it) the attachments folder of the profile at
// profileDir and removes work left over by a crash.
func Open(profileDir string, o Options) (*Store, error) {
	dir := filepath.Join(profileDir, "attachments")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("open attachments: %w", err)
	}
	tmps, _ := filepath.Glob(filepath.Join(dir, "*.tmp"))
	for _, t := range tmps {
		os.Remove(t)
	}
	if o.MaxSize == 0 {
		o.MaxSize = protocol.MaxAttachmentSize
	}
	return &Store{dir: dir, max: o.MaxSize, newID: o.NewID, createTemp: osCreateTemp}, nil
}

func (s *Store) blobPath(id string) string { return filepath.Join(s.dir, id+".blob") }
func (s *Store) marker(id, kind string) string {
	return filepath.Join(s.dir, id+"."+kind)
}

// Has reports whether the blob of id is in the profile.
func (s *Store) Has(id string) bool {
	_, err := os.Stat(s.blobPath(id))
	return err == nil
}

// Seal reads the file at path into a new sealed blob for user userID and
// marks it for upload. It returns the reference to put in the note.
func (s *Store) Seal(userID, path string) (note.Attachment, error) {
	st, err := s.Stage(userID, path)
	if err != nil {
		return note.Attachment{}, err
	}
	if err := s.Commit([]Staged{st}); err != nil {
		return note.Attachment{}, err
	}
	return st.Ref, nil
}

// Staged is a blob sealed under its temporary name: not yet durable, not
// yet in the store. Commit makes a batch of them so; Discard drops them.
type Staged struct {
	Ref note.Attachment // the reference to put in the note
	tmp string
}

// Stage seals the file at path like Seal, leaving the blob under its
// temporary name (removed by Open after a crash) until Commit.
func (s *Store) Stage(userID, path string) (Staged, error) {
	f, err := os.Open(path)
	if err != nil {
		return Staged{}, fmt.Errorf("open file: %w", err)
	}
	defer f.Close()
	before, err := f.Stat()
	if err != nil {
		return Staged{}, fmt.Errorf("open file: %w", err)
	}
	switch {
	case !before.Mode().IsRegular():
		return Staged{}, fmt.Errorf("attach %s: not a regular file", filepath.Base(path))
	case before.Size() == 0:
		return Staged{}, ErrEmptyFile
	case before.Size() > s.max:
		return Staged{}, ErrFileTooLarge
	}
	return s.stage("seal attachment", userID, func(out *os.File) io.Writer { return writeback.New(out, 0) },
		func(w *cryptobox.AttachmentWriter) (note.Attachment, error) {
			n, err := io.CopyBuffer(w, io.LimitReader(f, s.max+1), make([]byte, sealReadBuffer))
			if err != nil {
				return note.Attachment{}, fmt.Errorf("seal attachment: %w", err)
			}
			if err := w.Close(); err != nil {
				return note.Attachment{}, fmt.Errorf("seal attachment: %w", err)
			}
			if s.afterRead != nil {
				s.afterRead()
			}
			after, err := os.Stat(path)
			if err != nil || n != before.Size() || after.Size() != before.Size() || !after.ModTime().Equal(before.ModTime()) {
				return note.Attachment{}, ErrFileChanged
			}
			return sealedRef(w, filepath.Base(path), n), nil
		})
}

// SealData seals data, named name, like Seal does a file, straight from
// memory: a pasted image never touches the disk in the clear.
func (s *Store) SealData(userID, name string, data []byte) (note.Attachment, error) {
	switch {
	case len(data) == 0:
		return note.Attachment{}, ErrEmptyFile
	case int64(len(data)) > s.max:
		return note.Attachment{}, ErrFileTooLarge
	}
	st, err := s.stage("seal attachment", userID, func(out *os.File) io.Writer { return writeback.New(out, 0) },
		func(w *cryptobox.AttachmentWriter) (note.Attachment, error) {
			if _, err := w.Write(data); err != nil {
				return note.Attachment{}, fmt.Errorf("seal attachment: %w", err)
			}
			if err := w.Close(); err != nil {
				return note.Attachment{}, fmt.Errorf("seal attachment: %w", err)
			}
			return sealedRef(w, name, int64(len(data))), nil
		})
	if err != nil {
		return note.Attachment{}, err
	}
	if err := s.Commit([]Staged{st}); err != nil {
		return note.Attachment{}, err
	}
	return st.Ref, nil
}

// sealedRef is the reference's name, type, size and hash once w, which
// took n bytes, is closed; a name too long is cut.
func sealedRef(w *cryptobox.AttachmentWriter, name string, n int64) note.Attachment {
	sum := w.Sum()
	if len(name) > protocol.MaxAttachmentName {
		name = strings.ToValidUTF8(name[:protocol.MaxAttachmentName], "")
	}
	return note.Attachment{Name: name, Type: mediaType(name), Size: n, SHA256: hex.EncodeToString(sum[:])}
}

// stage writes a new blob for user userID, under a new id and key, to its
// temporary name (removed by Open after a crash), for Commit: the file is
// written through dst(file) (the file itself if dst is nil), and seal
// writes the content to w, closes w and returns the reference's name,
// type, size and hash; stage adds the id, key and chunk count. Nothing is
// left behind on an error; verb starts stage's own error messages.
func (s *Store) stage(verb, userID string, dst func(*os.File) io.Writer, seal func(w *cryptobox.AttachmentWriter) (note.Attachment, error)) (Staged, error) {
	id, err := s.newID()
	if err != nil {
		return Staged{}, err
	}
	key, err := cryptobox.NewAttachmentKey()
	if err != nil {
		return Staged{}, err
	}
	defer clear(key[:])
	tmp := s.blobPath(id) + ".tmp"
	out, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return Staged{}, fmt.Errorf("%s: %w", verb, err)
	}
	ok := false
	defer func() {
		if !ok {
			out.Close()
			os.Remove(tmp)
		}
	}()
	var to io.Writer = out
	if dst != nil {
		to = dst(out)
	}
	w, err := cryptobox.NewAttachmentWriter(to, key, cryptobox.AttachmentLocation{UserID: userID, AttachmentID: id})
	if err != nil {
		return Staged{}, err
	}
	ref, err := seal(w)
	if err != nil {
		return Staged{}, err
	}
	if err := out.Close(); err != nil {
		return Staged{}, fmt.Errorf("%s: %w", verb, err)
	}
	ok = true
	ref.ID, ref.Key = id, append([]byte(nil), key[:]...)
	_, ref.Chunks = protocol.AttachmentPadded(ref.Size)
	return Staged{Ref: ref, tmp: tmp}, nil
}

// sealReadBuffer is how much of the file Stage reads at once.
const sealReadBuffer = 256 << 10

// commitSyncers is how many staged blobs Commit syncs at once: the file
// system commits concurrent fsyncs together, where one after another each
// waits for its own (an import of 1,000 images paid 2,000 in a row).
const commitSyncers = 16

// Commit makes staged blobs durable and part of the store, marked for
// upload: every blob is synced (concurrently), renamed to its name, then
// the folder is synced once. A blob is never under its name before its
// content is on disk. On an error nothing staged is left behind.
func (s *Store) Commit(staged []Staged) error {
	if len(staged) == 0 {
		return nil
	}
	errs := make([]error, len(staged))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(commitSyncers, len(staged)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				errs[i] = syncFile(staged[i].tmp)
			}
		}()
	}
	for i := range staged {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		s.Discard(staged)
		return fmt.Errorf("seal attachment: %w", err)
	}
	for i, st := range staged {
		id := st.Ref.ID
		err := os.Rename(st.tmp, s.blobPath(id))
		if err == nil {
			err = touch(s.marker(id, "up"))
		}
		if err != nil {
			s.Discard(staged[i:])
			for _, done := range staged[:i] {
				_ = s.Remove(done.Ref.ID)
			}
			return fmt.Errorf("seal attachment: %w", err)
		}
	}
	return syncDir(s.dir)
}

// Discard removes staged blobs that will not be committed.
func (s *Store) Discard(staged []Staged) {
	for _, st := range staged {
		os.Remove(st.tmp)
	}
}

// syncFile writes the file at path to disk.
func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// mediaType guesses a media type from the name's extension.
func mediaType(name string) string {
	if t := mime.TypeByExtension(strings.ToLower(filepath.Ext(name))); t != "" {
		if mt, _, err := mime.ParseMediaType(t); err == nil {
			return mt
		}
	}
	return "application/octet-stream"
}

func touch(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("mark attachment: %w", err)
	}
	return f.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync attachments: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync attachments: %w", err)
	}
	return nil
}

// markers lists the ids that have a marker of kind.
func (s *Store) markers(kind string) ([]string, error) {
	ms, err := filepath.Glob(filepath.Join(s.dir, "*."+kind))
	if err != nil {
		return nil, fmt.Errorf("list attachments: %w", err)
	}
	out := make([]string, 0, len(ms))
	for _, m := range ms {
		out = append(out, strings.TrimSuffix(filepath.Base(m), "."+kind))
	}
	return out, nil
}

// PendingUploads lists attachments still to be uploaded.
func (s *Store) PendingUploads() ([]string, error) { return s.markers("up") }

// PendingReleases lists attachments the server still has to be told to release.
func (s *Store) PendingReleases() ([]string, error) { return s.markers("del") }

// MarkRelease records that id is to be released at the next sync.
func (s *Store) MarkRelease(id string) error { return touch(s.marker(id, "del")) }

// Unrelease drops id's release marker.
func (s *Store) Unrelease(id string) error {
	if err := os.Remove(s.marker(id, "del")); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("keep attachment: %w", err)
	}
	return nil
}

// Forget drops id's upload marker without uploading (it is not referenced).
func (s *Store) Forget(id string) error {
	if err := os.Remove(s.marker(id, "up")); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("forget attachment: %w", err)
	}
	return nil
}

// Open verifies the cached blob of ref while writing its content to w.
// Content written before an error is not to be trusted: give a temporary
// file and keep it only on success. ErrNotCached if the blob is absent.
func (s *Store) Open(userID string, ref note.Attachment, w io.Writer) error {
	f, err := os.Open(s.blobPath(ref.ID))
	if errors.Is(err, fs.ErrNotExist) {
		return ErrNotCached
	}
	if err != nil {
		return fmt.Errorf("open attachment: %w", err)
	}
	defer f.Close()
	return openInto(f, userID, ref, w)
}

// openInto opens the blob read from r as ref, writing its content to w.
func openInto(r io.Reader, userID string, ref note.Attachment, w io.Writer) error {
	var key cryptobox.AttachmentKey
	var sum [sha256.Size]byte
	if len(ref.Key) != len(key) {
		return ErrTampered
	}
	if b, err := hex.DecodeString(ref.SHA256); err != nil || len(b) != len(sum) {
		return ErrTampered
	} else {
		copy(sum[:], b)
	}
	copy(key[:], ref.Key)
	defer clear(key[:])
	ar, err := cryptobox.NewAttachmentReader(r, &key, cryptobox.AttachmentLocation{UserID: userID, AttachmentID: ref.ID}, ref.Size, sum)
	if err != nil {
		return fmt.Errorf("open attachment: %w", err)
	}
	// A buffer of one chunk: each Read returns at most one chunk's content.
	if _, err := io.CopyBuffer(w, ar, make([]byte, protocol.AttachmentChunkSize)); err != nil {
		if errors.Is(err, cryptobox.ErrOpen) || errors.Is(err, cryptobox.ErrUnsupportedVersion) {
			return fmt.Errorf("open attachment %s: %w", ref.ID, ErrTampered)
		}
		return fmt.Errorf("open attachment: %w", err)
	}
	return nil
}

// Remove deletes id's blob and markers from the profile.
func (s *Store) Remove(id string) error {
	for _, p := range []string{s.blobPath(id), s.marker(id, "up"), s.marker(id, "del"), s.marker(id, "part")} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove attachment: %w", err)
		}
	}
	return nil
}
