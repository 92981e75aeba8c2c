package syncer

import (
	"errors"
	"fmt"
	"sync"

	"cipherleaf.dev/client/manifest"
	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/note"
)

// ErrNewerFormat means an envelope or payload was written by a newer
// Cipherleaf: the blob is kept untouched and the note is not shown.
var ErrNewerFormat = errors.New("note needs a newer Cipherleaf")

// Codec seals and opens the notes of one user with the current bundle.
type Codec struct {
	UserID string
	Bundle func() cryptobox.Bundle
}

// OpenPayload opens env as the blob of (id, rev) and returns its payload.
// Errors: manifest.ErrTamperedNote, ErrNewerFormat, cryptobox.ErrUnknownGeneration.
func (c Codec) OpenPayload(id string, rev uint64, env []byte) ([]byte, error) {
	return c.openPayloadTo(nil, nil, id, rev, env)
}

// openPayloadTo is OpenPayload decrypting into buf's storage when it has
// room (cryptobox.OpenNoteTo), through op when it is not nil.
func (c Codec) openPayloadTo(op *cryptobox.NoteOpener, buf []byte, id string, rev uint64, env []byte) ([]byte, error) {
	loc := cryptobox.Location{UserID: c.UserID, NoteID: id, Rev: rev}
	var p []byte
	var err error
	if op != nil {
		p, err = op.OpenTo(buf, loc, env)
	} else {
		b := c.Bundle()
		if b == nil {
			return nil, ErrLocked
		}
		p, err = cryptobox.OpenNoteTo(buf, b, loc, env)
	}
	switch {
	case err == nil:
		return p, nil
	case errors.Is(err, cryptobox.ErrUnknownGeneration):
		return nil, fmt.Errorf("open note %s: %w", id, err)
	case errors.Is(err, cryptobox.ErrUnsupportedVersion):
		return nil, fmt.Errorf("open note %s: %w", id, ErrNewerFormat)
	default:
		return nil, fmt.Errorf("open note %s rev %d: %w", id, rev, manifest.ErrTamperedNote)
	}
}

// payloadBufs recycles the buffers Open decrypts into: the note decoded
// from a payload holds copies of its text, and the payload is cleared
// before its buffer comes back, so a buffer in the pool holds zeros.
var payloadBufs = sync.Pool{New: func() any { return new([]byte) }}

// maxPooledPayload is the largest padded payload decrypted into a pooled
// buffer; a larger note gets a buffer of its own.
const maxPooledPayload = 64 << 10

// Open opens env as the blob of (id, rev) and decodes the note.
func (c Codec) Open(id string, rev uint64, env []byte) (*note.Note, error) {
	return c.openWith(nil, id, rev, env)
}

// opener returns an opener of the current bundle, for the notes of a page.
func (c Codec) opener() (*cryptobox.NoteOpener, error) {
	b := c.Bundle()
	if b == nil {
		return nil, ErrLocked
	}
	return cryptobox.NewNoteOpener(b)
}

// openWith is Open through op, the current bundle's opener if not nil.
func (c Codec) openWith(op *cryptobox.NoteOpener, id string, rev uint64, env []byte) (*note.Note, error) {
	var dst []byte
	if padded := len(env) - cryptobox.NoteHeaderSize - cryptobox.TagSize; padded > 0 && padded <= maxPooledPayload {
		buf := payloadBufs.Get().(*[]byte)
		defer payloadBufs.Put(buf)
		if cap(*buf) < padded {
			*buf = make([]byte, 0, maxPooledPayload)
		}
		dst = *buf
	}
	p, err := c.openPayloadTo(op, dst, id, rev, env)
	if err != nil {
		return nil, err
	}
	defer clear(p)
	n, err := note.Unmarshal(p)
	if errors.Is(err, note.ErrNewerVersion) {
		return nil, fmt.Errorf("decode note %s: %w", id, ErrNewerFormat)
	}
	if err != nil {
		return nil, fmt.Errorf("decode note %s: %w", id, manifest.ErrTamperedNote)
	}
	return n, nil
}

// SealPayload seals payload as the blob of (id, rev) under the current key.
func (c Codec) SealPayload(id string, rev uint64, payload []byte) (env []byte, gen uint32, err error) {
	b := c.Bundle()
	if b == nil {
		return nil, 0, ErrLocked
	}
	env, err = cryptobox.SealNote(b, cryptobox.Location{UserID: c.UserID, NoteID: id, Rev: rev}, payload)
	if err != nil {
		return nil, 0, fmt.Errorf("seal note %s: %w", id, err)
	}
	return env, b.Current().Gen, nil
}

// Seal encodes and seals n as the blob of (id, rev).
func (c Codec) Seal(id string, rev uint64, n *note.Note) (env []byte, gen uint32, err error) {
	p, err := n.Marshal()
	if err != nil {
		return nil, 0, fmt.Errorf("encode note: %w", err)
	}
	defer clear(p)
	return c.SealPayload(id, rev, p)
}

// Reseal moves env from revision from to revision to (and to the current
// key), keeping its payload byte for byte.
func (c Codec) Reseal(id string, from, to uint64, env []byte) ([]byte, uint32, error) {
	p, err := c.OpenPayload(id, from, env)
	if err != nil {
		return nil, 0, err
	}
	defer clear(p)
	return c.SealPayload(id, to, p)
}
