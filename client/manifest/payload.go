package manifest

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/protocol"
)

// PayloadVersion is the only payload format ("v") this package reads.
const PayloadVersion = 1

// MaxPayloadSize bounds a payload before it is decoded; at about 110 bytes a
// head it allows tens of thousands of devices.
const MaxPayloadSize = 4 << 20

// ErrBadPayload is returned by UnmarshalPayload for any malformed payload.
var ErrBadPayload = errors.New("malformed manifest payload")

// Head is what the manifest remembers of one device's last write: the
// version it wrote and that write's prev (SPEC §10.4).
type Head struct {
	Version uint64 `json:"version"`
	Prev    string `json:"prev"`
}

// Payload is the sealed JSON of a manifest blob (SPEC §10.4).
type Payload struct {
	V       int              // always PayloadVersion
	Version uint64           // the server manifest version this blob is written as
	Prev    string           // lowercase hex SHA-256 of the previous blob, "" for version 1
	Count   uint64           // number of notes (live and tombstones) on the server
	Digest  cryptobox.Digest // set digest D of those notes (SPEC §10.3)
	Writer  string           // device id of the writer
	Heads   map[string]Head  // device id → that device's last write
}

type wirePayload struct {
	V       *int            `json:"v"`
	Version uint64          `json:"version"`
	Prev    string          `json:"prev"`
	Count   uint64          `json:"count"`
	Digest  string          `json:"digest"`
	Writer  string          `json:"writer"`
	Heads   map[string]Head `json:"heads"`
}

// Marshal encodes p as the §10.4 JSON after checking it.
func (p Payload) Marshal() ([]byte, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	v := p.V
	return json.Marshal(wirePayload{
		V: &v, Version: p.Version, Prev: p.Prev, Count: p.Count,
		Digest: hex.EncodeToString(p.Digest[:]), Writer: p.Writer, Heads: p.Heads,
	})
}

// UnmarshalPayload decodes and checks a payload strictly: unknown fields,
// trailing data, a missing or other "v", malformed hashes or ids, and heads
// inconsistent with the writer are all ErrBadPayload.
func UnmarshalPayload(data []byte) (Payload, error) {
	if len(data) > MaxPayloadSize {
		return Payload{}, fmt.Errorf("%w: %d bytes", ErrBadPayload, len(data))
	}
	if err := checkKeys(data); err != nil {
		return Payload{}, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var w wirePayload
	if err := dec.Decode(&w); err != nil {
		return Payload{}, fmt.Errorf("%w: %v", ErrBadPayload, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Payload{}, fmt.Errorf("%w: trailing data", ErrBadPayload)
	}
	if w.V == nil {
		return Payload{}, fmt.Errorf("%w: no \"v\"", ErrBadPayload)
	}
	p := Payload{V: *w.V, Version: w.Version, Prev: w.Prev, Count: w.Count, Writer: w.Writer, Heads: w.Heads}
	if !isHash(w.Digest) {
		return Payload{}, fmt.Errorf("%w: digest", ErrBadPayload)
	}
	hex.Decode(p.Digest[:], []byte(w.Digest)) // checked by isHash
	if err := p.check(); err != nil {
		return Payload{}, err
	}
	return p, nil
}

// check enforces the invariants every honest writer keeps.
func (p Payload) check() error {
	switch {
	case p.V != PayloadVersion:
		return fmt.Errorf("%w: v = %d", ErrBadPayload, p.V)
	case p.Version == 0:
		return fmt.Errorf("%w: version 0", ErrBadPayload)
	case p.Version == 1 && p.Prev != "":
		return fmt.Errorf("%w: version 1 with a prev", ErrBadPayload)
	case p.Version > 1 && !isHash(p.Prev):
		return fmt.Errorf("%w: prev", ErrBadPayload)
	case !protocol.ValidID(p.Writer):
		return fmt.Errorf("%w: writer", ErrBadPayload)
	}
	for id, h := range p.Heads {
		if !protocol.ValidID(id) || h.Version == 0 || h.Version > p.Version ||
			(h.Version == 1) != (h.Prev == "") || (h.Prev != "" && !isHash(h.Prev)) {
			return fmt.Errorf("%w: head of %q", ErrBadPayload, id)
		}
	}
	if h, ok := p.Heads[p.Writer]; !ok || h != (Head{p.Version, p.Prev}) {
		return fmt.Errorf("%w: writer's head is not this write", ErrBadPayload)
	}
	return nil
}

// isHash reports whether s is 64 lowercase hex digits.
func isHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// shape says which keys an object may have: fields for a struct, elem for
// the values of a map; nil accepts anything.
type shape struct {
	fields map[string]*shape
	elem   *shape
}

var payloadShape = &shape{fields: map[string]*shape{
	"v": nil, "version": nil, "prev": nil, "count": nil, "digest": nil, "writer": nil,
	"heads": {elem: &shape{fields: map[string]*shape{"version": nil, "prev": nil}}},
}}

// checkKeys rejects what encoding/json forgives: keys that match a field
// only case-insensitively ("Version") and duplicated keys.
func checkKeys(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := walk(dec, payloadShape); err != nil {
		return fmt.Errorf("%w: %v", ErrBadPayload, err)
	}
	return nil
}

func walk(dec *json.Decoder, sh *shape) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	if d == '[' {
		for dec.More() {
			if err := walk(dec, nil); err != nil {
				return err
			}
		}
		_, err := dec.Token()
		return err
	}
	seen := map[string]bool{}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return err
		}
		k, _ := kt.(string)
		if seen[k] {
			return fmt.Errorf("key %q twice", k)
		}
		seen[k] = true
		var sub *shape
		if sh != nil && sh.fields != nil {
			var known bool
			if sub, known = sh.fields[k]; !known {
				return fmt.Errorf("unknown field %q", k)
			}
		} else if sh != nil {
			sub = sh.elem
		}
		if err := walk(dec, sub); err != nil {
			return err
		}
	}
	_, err = dec.Token()
	return err
}
