// Package backup is the encrypted backup file of SPEC §9: Write makes one
// from what an unlocked device holds, carrying only wraps valid when it is
// written (SPEC §3.1 L7); Read checks one whole and opens its notes with
// the password or the recovery key. It does no other I/O.
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

// Header is the first line of a backup file; it carries the format version.
const Header = "CIPHERLEAF-BACKUP 1\n"

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
}

type index struct {
	UserID  string       `json:"user_id"`
	Created time.Time    `json:"created"`
	Notes   []indexEntry `json:"notes"`
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
	return ix
}

// Write encodes c as a backup file (SPEC §9): notes in id order, the index
// sealed under the bundle's current key, no successor.
func Write(w io.Writer, c Contents) error {
	if len(c.Bundle) == 0 {
		return fmt.Errorf("write backup: %w", cryptobox.ErrBadBundle)
	}
	cur := c.Bundle.Current()
	f := file{V: 1, Created: c.Created.UTC().Truncate(time.Second), Username: c.Username, UserID: c.UserID,
		Server: c.Server, KDF: c.KDF, WrappedKey: c.WrappedKey, RecoveryWrappedKey: c.RecoveryWrappedKey,
		IndexGen: cur.Gen, Notes: slices.Clone(c.Notes)}
	if f.Notes == nil {
		f.Notes = []Note{}
	}
	slices.SortFunc(f.Notes, func(x, y Note) int { return strings.Compare(x.ID, y.ID) })
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
	if _, err := w.Write(body); err != nil {
		return fmt.Errorf("write backup: %w", err)
	}
	return nil
}

// Read parses a backup file and opens every note with secret, the password
// at export time or the printed recovery key, deriving under pol. Any
// failure refuses the whole file: a dropped, added, duplicated or moved
// note, an altered wrap or successor is manifest.ErrTamperedNote.
func Read(r io.Reader, secret []byte, pol cryptobox.Policy) ([]*note.Note, error) {
	br := bufio.NewReader(r)
	head, err := br.ReadString('\n')
	if err != nil || len(head) < 18 || head[:18] != Header[:18] {
		return nil, ErrBad
	}
	if head != Header {
		return nil, ErrNewer
	}
	var f file
	if err := json.NewDecoder(br).Decode(&f); err != nil {
		return nil, fmt.Errorf("read backup: %w", ErrBad)
	}
	if f.V != 1 {
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
	if ix.UserID != want.UserID || !ix.Created.Equal(want.Created) || !slices.Equal(ix.Notes, want.Notes) {
		return nil, fmt.Errorf("read backup: notes do not match the index: %w", manifest.ErrTamperedNote)
	}
	cd := syncer.Codec{UserID: f.UserID, Bundle: func() cryptobox.Bundle { return b }}
	out := make([]*note.Note, 0, len(f.Notes))
	for _, n := range f.Notes {
		nn, err := cd.Open(n.ID, n.Rev, n.Blob)
		if err != nil {
			return nil, fmt.Errorf("read backup: %w", err)
		}
		out = append(out, nn)
	}
	return out, nil
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
