// Package backup is the encrypted backup file of SPEC §9: Write makes one
// from what an unlocked device holds, carrying only wraps valid when it is
// written (SPEC §3.1 L7) and, in format version 2 (SPEC §9.1), the blobs of
// the attachments its notes reference, streamed; Open checks the index and
// opens the notes with the password or the recovery key, then hands out
// the blobs one at a time for the caller to open (package attach). It does
// no other I/O, and never holds a blob in memory.
package backup

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"cipherleaf.dev/client/manifest"
	"cipherleaf.dev/client/syncer"
	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/note"
	"cipherleaf.dev/shared/protocol"
)

// Header is the first line of a backup file written now; it carries the
// format version (SPEC §9.1).
const Header = "CIPHERLEAF-BACKUP 2\n"

// header1 is the first line of a version 1 file (no attachments), still read.
const header1 = "CIPHERLEAF-BACKUP 1\n"

var (
	// ErrBad means the data is not a Cipherleaf backup, or is damaged.
	ErrBad = errors.New("not a Cipherleaf backup, or damaged")
	// ErrNewer means the file was written by a newer format version.
	ErrNewer = errors.New("this backup needs a newer Cipherleaf")
	// ErrWrongSecret means neither the password nor the recovery key opens
	// the file's wraps.
	ErrWrongSecret = errors.New("wrong password or recovery key for this backup")
	// ErrUnsupportedKDF means the file names a key derivation this version
	// does not know.
	ErrUnsupportedKDF = errors.New("unsupported key derivation")
	// ErrTamperedAttachment means an attachment blob in the file did not
	// open as its reference says, or the file ends inside or after the
	// blobs (SPEC §9.1).
	ErrTamperedAttachment = errors.New("an attachment in this backup failed its integrity check")
)

// Note is one note as stored: its id, revision and envelope (SPEC §5).
type Note struct {
	ID   string `json:"id"`
	Rev  uint64 `json:"rev"`
	Blob []byte `json:"blob,omitempty"`
}

// Contents is what a device puts in a backup. WrappedKey must be made at
// export time under the KEK of the password; RecoveryWrappedKey only when
// the device made it at the bundle's current generation (nil otherwise).
type Contents struct {
	Created                  time.Time
	Username, UserID, Server string
	KDF                      protocol.KDF
	WrappedKey               []byte
	RecoveryWrappedKey       []byte
	Bundle                   cryptobox.Bundle // its current key seals the index
	Notes                    []Note
	// Attachments are the blobs the notes reference, each once (SPEC §9.1).
	Attachments []Blob
}

// Blob is one attachment blob to write: its id, its exact length, and
// Copy, which writes its bytes to w when the file gets to it (streaming;
// it may verify them on the way).
type Blob struct {
	ID   string
	Size int64
	Copy func(w io.Writer) error
}

// listEntry is one entry of the file's attachment list and index.
type listEntry struct {
	ID   string `json:"id"`
	Size int64  `json:"size"`
}

type file struct {
	V                  int          `json:"v"`
	Created            time.Time    `json:"created"`
	Username           string       `json:"username"`
	UserID             string       `json:"user_id"`
	Server             string       `json:"server"`
	KDF                protocol.KDF `json:"kdf"`
	WrappedKey         []byte       `json:"wrapped_key"`
	RecoveryWrappedKey []byte       `json:"recovery_wrapped_key,omitempty"`
	IndexGen           uint32       `json:"index_gen"`
	Index              []byte       `json:"index"`
	// Successors appear only in files written before SPEC §3.1 L7; they
	// are read, never written.
	Successors [][]byte `json:"successors,omitempty"`
	Notes      []Note   `json:"notes"`
	// Attachments is absent in version 1 files.
	Attachments []listEntry `json:"attachments"`
}

type index struct {
	UserID  string       `json:"user_id"`
	Created time.Time    `json:"created"`
	Notes   []indexEntry `json:"notes"`
	// Attachments: version 2 only.
	Attachments []listEntry `json:"attachments"`
}

type indexEntry struct {
	ID  string `json:"id"`
	Rev uint64 `json:"rev"`
}

func indexOf(f file) index {
	ix := index{UserID: f.UserID, Created: f.Created, Notes: make([]indexEntry, len(f.Notes))}
	for i, n := range f.Notes {
		ix.Notes[i] = indexEntry{ID: n.ID, Rev: n.Rev}
	}
	if f.V >= 2 {
		ix.Attachments = f.Attachments
		if ix.Attachments == nil {
			ix.Attachments = []listEntry{}
		}
	}
	return ix
}

// Write encodes c as a version 2 backup file (SPEC §9, §9.1): notes in id
// order, the attachment blobs in id order after the JSON line, the index
// sealed under the bundle's current key, no successor. Blobs are copied as
// they are read, never held whole.
func Write(w io.Writer, c Contents) error {
	if len(c.Bundle) == 0 {
		return fmt.Errorf("write backup: %w", cryptobox.ErrBadBundle)
	}
	cur := c.Bundle.Current()
	f := file{V: 2, Created: c.Created.UTC().Truncate(time.Second), Username: c.Username, UserID: c.UserID,
		Server: c.Server, KDF: c.KDF, WrappedKey: c.WrappedKey, RecoveryWrappedKey: c.RecoveryWrappedKey,
		IndexGen: cur.Gen, Notes: slices.Clone(c.Notes), Attachments: []listEntry{}}
	if f.Notes == nil {
		f.Notes = []Note{}
	}
	slices.SortFunc(f.Notes, func(x, y Note) int { return strings.Compare(x.ID, y.ID) })
	blobs := slices.Clone(c.Attachments)
	slices.SortFunc(blobs, func(x, y Blob) int { return strings.Compare(x.ID, y.ID) })
	for i, b := range blobs {
		if i > 0 && blobs[i-1].ID == b.ID {
			return fmt.Errorf("write backup: attachment %s listed twice", b.ID)
		}
		f.Attachments = append(f.Attachments, listEntry{ID: b.ID, Size: b.Size})
	}
	idx, err := json.Marshal(indexOf(f))
	if err != nil {
		return err
	}
	if f.Index, err = cryptobox.Wrap(&cur.Key, idx, cryptobox.PurposeBackup); err != nil {
		return fmt.Errorf("write backup: %w", err)
	}
	body, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("write backup: %w", err)
	}
	if _, err := io.WriteString(w, Header); err != nil {
		return fmt.Errorf("write backup: %w", err)
	}
	if _, err := w.Write(append(body, '\n')); err != nil {
		return fmt.Errorf("write backup: %w", err)
	}
	for _, b := range blobs {
		if err := copyBlob(w, b); err != nil {
			return err
		}
	}
	return nil
}

// copyBlob writes exactly b.Size bytes of b to w.
func copyBlob(w io.Writer, b Blob) error {
	cw := &countingWriter{w: w}
	if err := b.Copy(cw); err != nil {
		return fmt.Errorf("write backup: attachment %s: %w", b.ID, err)
	}
	if cw.n != b.Size {
		return fmt.Errorf("write backup: attachment %s has %d bytes, want %d", b.ID, cw.n, b.Size)
	}
	return nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// File is an opened backup: its notes, checked and opened, and its
// attachment blobs, handed out in order by Next.
type File struct {
	// Version is the file's format version (1 or 2).
	Version int
	// UserID is the exporting account: its blobs open only as this user.
	UserID string
	// Notes are the restored notes, in the file's order; NoteIDs[i] is the
	// id Notes[i] had in the exporting account.
	Notes   []*note.Note
	NoteIDs []string

	br   *bufio.Reader
	list []listEntry
	refs map[string]note.Attachment
	next int
	cur  *io.LimitedReader
	done bool
}

// Read parses a backup file and opens every note with secret, the password
// at export time or the printed recovery key, deriving under pol. It does
// not read the attachment blobs of a version 2 file (use Open and Next).
func Read(r io.Reader, secret []byte, pol cryptobox.Policy) ([]*note.Note, error) {
	f, err := Open(r, secret, pol)
	if err != nil {
		return nil, err
	}
	return f.Notes, nil
}

// Open parses a backup file and opens every note with secret, the password
// at export time or the printed recovery key, deriving under pol. Any
// failure refuses the whole file: a dropped, added, duplicated or moved
// note or attachment, an altered wrap or successor is
// manifest.ErrTamperedNote. The attachment blobs that follow are read by
// Next.
func Open(r io.Reader, secret []byte, pol cryptobox.Policy) (*File, error) {
	br := bufio.NewReader(r)
	head, err := br.ReadString('\n')
	if err != nil || len(head) < 18 || head[:18] != Header[:18] {
		return nil, ErrBad
	}
	var f file
	switch head {
	case header1:
		if err := json.NewDecoder(br).Decode(&f); err != nil || f.V != 1 {
			return nil, fmt.Errorf("read backup: %w", ErrBad)
		}
		if f.Attachments != nil {
			return nil, fmt.Errorf("read backup: attachments in a version 1 file: %w", ErrBad)
		}
	case Header:
		line, err := br.ReadBytes('\n')
		if err != nil {
			return nil, fmt.Errorf("read backup: %w", ErrBad)
		}
		if err := json.Unmarshal(line, &f); err != nil || f.V != 2 || f.Attachments == nil {
			return nil, fmt.Errorf("read backup: %w", ErrBad)
		}
	default:
		return nil, ErrNewer
	}
	b, err := openBundle(f, secret, pol)
	if err != nil {
		return nil, err
	}
	if b, err = followChain(b, f.Successors); err != nil {
		return nil, err
	}
	defer b.Wipe()
	ak, ok := b.Lookup(f.IndexGen)
	if !ok && len(f.Successors) > 0 {
		// The exporter's chain always reaches index_gen: one was dropped.
		return nil, fmt.Errorf("read backup: key generation %d not reached: %w", f.IndexGen, manifest.ErrTamperedNote)
	}
	if !ok {
		return nil, ErrBad
	}
	raw, err := cryptobox.Unwrap(&ak.Key, f.Index, cryptobox.PurposeBackup)
	if err != nil {
		return nil, fmt.Errorf("read backup index: %w", manifest.ErrTamperedNote)
	}
	var ix index
	if err := json.Unmarshal(raw, &ix); err != nil {
		return nil, ErrBad
	}
	want := indexOf(f)
	if ix.UserID != want.UserID || !ix.Created.Equal(want.Created) || !slices.Equal(ix.Notes, want.Notes) ||
		!slices.Equal(ix.Attachments, want.Attachments) {
		return nil, fmt.Errorf("read backup: notes or attachments do not match the index: %w", manifest.ErrTamperedNote)
	}
	cd := syncer.Codec{UserID: f.UserID, Bundle: func() cryptobox.Bundle { return b }}
	out := &File{Version: f.V, UserID: f.UserID, br: br, list: f.Attachments, refs: map[string]note.Attachment{}}
	for _, n := range f.Notes {
		nn, err := cd.Open(n.ID, n.Rev, n.Blob)
		if err != nil {
			return nil, fmt.Errorf("read backup: %w", err)
		}
		out.Notes = append(out.Notes, nn)
		out.NoteIDs = append(out.NoteIDs, n.ID)
		for _, a := range nn.Attachments {
			out.refs[a.ID] = a
		}
	}
	if f.V >= 2 {
		if err := out.checkList(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// checkList requires the attachment list to be exactly the notes'
// references, sorted, each once, with the blob size of its reference.
func (f *File) checkList() error {
	if len(f.list) != len(f.refs) {
		return fmt.Errorf("read backup: %d attachments for %d references: %w", len(f.list), len(f.refs), ErrBad)
	}
	for i, e := range f.list {
		ref, ok := f.refs[e.ID]
		if !ok || (i > 0 && f.list[i-1].ID >= e.ID) || e.Size != protocol.AttachmentBlobSize(ref.Size) {
			return fmt.Errorf("read backup: attachment list: %w", ErrBad)
		}
	}
	return nil
}

// Next returns the next attachment blob of the file, as the reference of
// the notes that name it and a reader of exactly its bytes, which must be
// read to its end before Next is called again. After the last blob it
// checks that the file ends there and returns io.EOF. Only a blob that the
// caller opened as ref (SPEC §11.2, user UserID) is to be trusted.
func (f *File) Next() (note.Attachment, io.Reader, error) {
	if f.cur != nil && f.cur.N != 0 {
		return note.Attachment{}, nil, fmt.Errorf("read backup: attachment %s not read to its end", f.list[f.next-1].ID)
	}
	if f.next == len(f.list) {
		if !f.done {
			if _, err := f.br.ReadByte(); !errors.Is(err, io.EOF) {
				if err == nil {
					return note.Attachment{}, nil, fmt.Errorf("read backup: bytes after the last attachment: %w", ErrTamperedAttachment)
				}
				return note.Attachment{}, nil, fmt.Errorf("read backup: %w", err)
			}
			f.done = true
		}
		return note.Attachment{}, nil, io.EOF
	}
	e := f.list[f.next]
	f.next++
	f.cur = &io.LimitedReader{R: f.br, N: e.Size}
	return note.CloneAttachments([]note.Attachment{f.refs[e.ID]})[0], f.cur, nil
}

// openBundle opens the recovery wrap when secret is a recovery key that
// opens it, else the password wrap.
func openBundle(f file, secret []byte, pol cryptobox.Policy) (cryptobox.Bundle, error) {
	if rk, err := cryptobox.ParseRecoveryKey(string(secret)); err == nil && f.RecoveryWrappedKey != nil {
		defer rk.Wipe()
		k, err := rk.WrapKey()
		if err != nil {
			return nil, err
		}
		defer clear(k[:])
		if b, err := cryptobox.UnwrapBundle(k, f.RecoveryWrappedKey, cryptobox.PurposeRecovery); err == nil {
			return b, nil
		}
	}
	if f.KDF.Alg != protocol.KDFAlgArgon2id || f.KDF.Version != protocol.KDFVersion {
		return nil, ErrUnsupportedKDF
	}
	p := cryptobox.Params{Time: f.KDF.Time, Memory: f.KDF.Memory, Threads: f.KDF.Threads, Salt: f.KDF.Salt}
	dk, err := cryptobox.Derive(secret, p, pol)
	if err != nil {
		return nil, fmt.Errorf("read backup: derive keys: %w", err)
	}
	defer dk.Wipe()
	b, err := cryptobox.UnwrapBundle(&dk.KEK, f.WrappedKey, cryptobox.PurposePassword)
	if err != nil {
		return nil, ErrWrongSecret
	}
	return b, nil
}

// followChain walks an older file's successors forward from b by the rules
// of SPEC §3.1 L2. Every successor must open with a key of the bundle
// reached: one that does not was altered. It wipes b if it returns another.
func followChain(b cryptobox.Bundle, successors [][]byte) (cryptobox.Bundle, error) {
	nb := b.Follow(successors)
	if nb.Current().Gen != b.Current().Gen {
		b.Wipe()
	}
	for i, s := range successors {
		opened := false
		for j := range nb {
			if sb, err := cryptobox.UnwrapBundle(&nb[j].Key, s, cryptobox.PurposeRotation); err == nil {
				sb.Wipe()
				opened = true
				break
			}
		}
		if !opened {
			nb.Wipe()
			return nil, fmt.Errorf("read backup: successor %d does not open: %w", i, manifest.ErrTamperedNote)
		}
	}
	return nb, nil
}
