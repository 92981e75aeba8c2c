package syncer

import (
	"errors"
	"fmt"

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
	b := c.Bundle()
	if b == nil {
		return nil, ErrLocked
	}
	p, err := cryptobox.OpenNote(b, cryptobox.Location{UserID: c.UserID, NoteID: id, Rev: rev}, env)
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

// Open opens env as the blob of (id, rev) and decodes the note.
func (c Codec) Open(id string, rev uint64, env []byte) (*note.Note, error) {
	p, err := c.OpenPayload(id, rev, env)
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
