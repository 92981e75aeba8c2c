package cryptobox

import (
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"

	"golang.org/x/crypto/chacha20poly1305"

	"cipherleaf.dev/shared/protocol"
)

// Chunked attachment blobs of SPEC §11.2 (STREAM).
//
// Why this is safe: each attachment has its own random key K_a, used for
// one blob only. The chunk index and a last-chunk flag are in every nonce,
// so a chunk opens only at its own position and only the true last chunk
// opens as last: reordering, duplicating, splicing, truncating and
// extending fail. The AD carries the user and attachment ids, and another
// attachment has another key, so a blob or a chunk moved anywhere else
// fails too. The random 15-byte prefix keeps nonces unique even if a key
// were ever reused by mistake. Plaintext is padded to a bucket so the
// server learns the size only to within it. Every authentication failure,
// and a content that does not match the reference's SHA-256, is ErrOpen.

const (
	attachmentVersion = 0x01
	attachmentPrefix  = 15
	attachmentChunk   = protocol.AttachmentChunkSize
	attachmentInfo    = "cipherleaf/v1/attachment"
)

// AttachmentKey is the random key K_a of one attachment (SPEC §11.1).
// Never reuse one for a second blob.
type AttachmentKey [KeySize]byte

// NewAttachmentKey returns a fresh random attachment key.
func NewAttachmentKey() (*AttachmentKey, error) {
	var k AttachmentKey
	if _, err := rand.Read(k[:]); err != nil {
		return nil, fmt.Errorf("generate attachment key: %w", err)
	}
	return &k, nil
}

// AttachmentLocation is where a blob belongs; it is bound into every chunk.
type AttachmentLocation struct {
	UserID       string // UUID of the owner
	AttachmentID string // UUID of the attachment
}

func attachmentAD(loc AttachmentLocation) ([]byte, error) {
	uid, err := ParseUUID(loc.UserID)
	if err != nil {
		return nil, fmt.Errorf("user id: %w", err)
	}
	aid, err := ParseUUID(loc.AttachmentID)
	if err != nil {
		return nil, fmt.Errorf("attachment id: %w", err)
	}
	ad := make([]byte, 0, len(attachmentInfo)+1+32)
	ad = append(ad, attachmentInfo...)
	ad = append(ad, attachmentVersion)
	ad = append(ad, uid[:]...)
	return append(ad, aid[:]...), nil
}

// attachmentAEAD derives CK = HKDF(K_a, "cipherleaf/v1/attachment") and
// returns XChaCha20-Poly1305 keyed with it.
func attachmentAEAD(k *AttachmentKey) (cipher.AEAD, error) {
	ck, err := hkdf.Key(sha256.New, k[:], nil, attachmentInfo, KeySize)
	if err != nil {
		return nil, fmt.Errorf("derive chunk key: %w", err)
	}
	defer clear(ck)
	aead, err := chacha20poly1305.NewX(ck)
	if err != nil {
		return nil, fmt.Errorf("new aead: %w", err)
	}
	return aead, nil
}

// chunkNonce writes prefix || u64be(i) || last into n (24 bytes).
func chunkNonce(n []byte, prefix []byte, i uint64, last bool) {
	copy(n, prefix)
	binary.BigEndian.PutUint64(n[attachmentPrefix:], i)
	n[NonceSize-1] = 0
	if last {
		n[NonceSize-1] = 1
	}
}

// AttachmentWriter seals what is written to it into a blob on an
// underlying writer. Close writes the padding and the last chunk; the blob
// is incomplete until Close returns nil.
type AttachmentWriter struct {
	dst    io.Writer
	aead   cipher.AEAD
	ad     []byte
	prefix [attachmentPrefix]byte
	nonce  [NonceSize]byte
	buf    []byte // plaintext of the chunk not yet sealed (held back: it may be the last)
	out    []byte // sealed chunk
	index  uint64
	size   int64
	hash   hash.Hash
	err    error
	closed bool
}

// NewAttachmentWriter starts a blob for loc under k and writes its header
// to dst. The content SHA-256 is available from Sum after Close.
func NewAttachmentWriter(dst io.Writer, k *AttachmentKey, loc AttachmentLocation) (*AttachmentWriter, error) {
	var prefix [attachmentPrefix]byte
	if _, err := rand.Read(prefix[:]); err != nil {
		return nil, fmt.Errorf("generate nonce prefix: %w", err)
	}
	return newAttachmentWriter(dst, k, loc, prefix)
}

func newAttachmentWriter(dst io.Writer, k *AttachmentKey, loc AttachmentLocation, prefix [attachmentPrefix]byte) (*AttachmentWriter, error) {
	ad, err := attachmentAD(loc)
	if err != nil {
		return nil, err
	}
	aead, err := attachmentAEAD(k)
	if err != nil {
		return nil, err
	}
	w := &AttachmentWriter{dst: dst, aead: aead, ad: ad, prefix: prefix,
		buf: make([]byte, 0, attachmentChunk), out: make([]byte, 0, attachmentChunk+TagSize), hash: sha256.New()}
	hdr := append([]byte{attachmentVersion}, prefix[:]...)
	if _, err := dst.Write(hdr); err != nil {
		return nil, fmt.Errorf("write attachment header: %w", err)
	}
	return w, nil
}

// Write seals p as it fills chunks. A full chunk is sealed only when more
// content follows it, because the last chunk is sealed differently.
func (w *AttachmentWriter) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	if w.closed {
		return 0, errors.New("write attachment: writer closed")
	}
	if w.size+int64(len(p)) > protocol.MaxAttachmentFormat {
		w.err = fmt.Errorf("write attachment: %w", ErrTooLarge)
		return 0, w.err
	}
	n := 0
	for len(p) > 0 {
		if len(w.buf) == attachmentChunk {
			if err := w.flush(false, attachmentChunk); err != nil {
				return n, err
			}
		}
		k := copy(w.buf[len(w.buf):attachmentChunk], p)
		w.buf = w.buf[:len(w.buf)+k]
		w.size += int64(k)
		n += k
		p = p[k:]
	}
	return n, nil
}

// flush seals the held chunk, whose first content bytes are content (the
// rest is padding), and writes it. The content is hashed on another
// goroutine while the chunk is sealed (both only read w.buf; SHA-256 costs
// as much as the cipher, so this nearly halves the time on two cores);
// flush waits for it, so no goroutine outlives a call.
func (w *AttachmentWriter) flush(last bool, content int) error {
	hashed := hashAside(w.hash, w.buf[:content])
	chunkNonce(w.nonce[:], w.prefix[:], w.index, last)
	w.out = w.aead.Seal(w.out[:0], w.nonce[:], w.buf, w.ad)
	<-hashed
	if _, err := w.dst.Write(w.out); err != nil {
		w.err = fmt.Errorf("write attachment chunk: %w", err)
		return w.err
	}
	w.index++
	w.buf = w.buf[:0]
	return nil
}

// Close pads the content to its bucket and seals the last chunk. It does
// not close the underlying writer.
func (w *AttachmentWriter) Close() error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return nil
	}
	w.closed = true
	padded, _ := protocol.AttachmentPadded(w.size)
	// The held chunk holds the content from offset index·64 KiB on; pad it
	// up to the bucket (at most one chunk: above 64 KiB buckets are whole
	// chunks).
	end := padded - int64(w.index)*attachmentChunk
	content := len(w.buf)
	for int64(len(w.buf)) < end {
		w.buf = append(w.buf, 0)
	}
	return w.flush(true, content)
}

// hashAsideMin is the smallest input hashAside hashes on another
// goroutine; below it the hand-off costs more than it saves.
const hashAsideMin = 16 << 10

// hashAside writes p to h on another goroutine and returns a channel
// closed when it is done. The caller must not touch h or change p until
// then.
func hashAside(h hash.Hash, p []byte) <-chan struct{} {
	done := make(chan struct{})
	if len(p) < hashAsideMin {
		h.Write(p)
		close(done)
		return done
	}
	go func() {
		h.Write(p)
		close(done)
	}()
	return done
}

// Size returns the content bytes written so far.
func (w *AttachmentWriter) Size() int64 { return w.size }

// Sum returns the SHA-256 of the content written.
func (w *AttachmentWriter) Sum() [sha256.Size]byte {
	var s [sha256.Size]byte
	w.hash.Sum(s[:0])
	return s
}

// AttachmentReader opens a blob as it is read (SPEC §11.2). Read returns
// the content; it returns io.EOF only after the whole blob authenticated,
// ended exactly after its last chunk and matched the expected SHA-256.
// Every failure is ErrOpen (or ErrUnsupportedVersion). Content returned
// before the end is authenticated chunk by chunk but not yet known to be
// complete: write it somewhere temporary until io.EOF.
type AttachmentReader struct {
	src      io.Reader
	aead     cipher.AEAD
	ad       []byte
	prefix   []byte
	nonce    [NonceSize]byte
	sealed   [2][]byte // chunk buffers, used in turn: one is hashed while the next is opened
	plain    []byte    // opened content of the current chunk not yet returned
	unhashed []byte    // content of the previous chunk, returned but not yet hashed
	index    uint64
	chunks   uint64
	padded   int64
	left     int64 // content bytes not yet opened
	want     [sha256.Size]byte
	hash     hash.Hash
	err      error
	started  bool
}

// NewAttachmentReader opens the blob read from src as the attachment at
// loc under k, holding size content bytes whose SHA-256 is sum.
func NewAttachmentReader(src io.Reader, k *AttachmentKey, loc AttachmentLocation, size int64, sum [sha256.Size]byte) (*AttachmentReader, error) {
	if size < 0 || size > protocol.MaxAttachmentFormat {
		return nil, ErrOpen
	}
	ad, err := attachmentAD(loc)
	if err != nil {
		return nil, err
	}
	aead, err := attachmentAEAD(k)
	if err != nil {
		return nil, err
	}
	padded, chunks := protocol.AttachmentPadded(size)
	return &AttachmentReader{src: src, aead: aead, ad: ad, padded: padded, chunks: uint64(chunks), left: size,
		want: sum, hash: sha256.New(),
		sealed: [2][]byte{make([]byte, attachmentChunk+TagSize), make([]byte, attachmentChunk+TagSize)}}, nil
}

func (r *AttachmentReader) fail(err error) (int, error) {
	r.err = err
	r.plain = nil
	return 0, err
}

// Read returns content of chunks that authenticated.
func (r *AttachmentReader) Read(p []byte) (int, error) {
	for len(r.plain) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		if !r.started {
			var hdr [1 + attachmentPrefix]byte
			if _, err := io.ReadFull(r.src, hdr[:]); err != nil {
				return r.fail(readErr(err))
			}
			if hdr[0] != attachmentVersion {
				return r.fail(ErrUnsupportedVersion)
			}
			r.prefix = append([]byte(nil), hdr[1:]...)
			r.started = true
		}
		if r.index == r.chunks {
			return r.finish()
		}
		if err := r.next(); err != nil {
			return r.fail(err)
		}
	}
	n := copy(p, r.plain)
	r.plain = r.plain[n:]
	return n, nil
}

// next reads and opens chunk r.index. The content of the chunk before,
// already returned, is hashed meanwhile on another goroutine (it lives in
// the other buffer); next waits for it, so no goroutine outlives a call
// and src is only read by the caller's goroutine.
func (r *AttachmentReader) next() error {
	hashed := hashAside(r.hash, r.unhashed)
	defer func() { <-hashed }()
	r.unhashed = nil
	last := r.index == r.chunks-1
	plen := int64(attachmentChunk)
	if last {
		plen = r.padded - int64(r.index)*attachmentChunk
	}
	sealed := r.sealed[r.index%2][:plen+TagSize]
	if _, err := io.ReadFull(r.src, sealed); err != nil {
		return readErr(err)
	}
	chunkNonce(r.nonce[:], r.prefix, r.index, last)
	pt, err := r.aead.Open(sealed[:0], r.nonce[:], sealed, r.ad)
	if err != nil {
		return ErrOpen
	}
	content := min(int64(len(pt)), r.left)
	for _, b := range pt[content:] {
		if b != 0 {
			return ErrOpen
		}
	}
	r.left -= content
	r.index++
	r.plain = pt[:content]
	r.unhashed = r.plain
	return nil
}

// finish checks the blob ends here and the content hash matches.
func (r *AttachmentReader) finish() (int, error) {
	var one [1]byte
	if n, err := io.ReadFull(r.src, one[:]); n != 0 || !errors.Is(err, io.EOF) {
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
			return r.fail(fmt.Errorf("read attachment: %w", err))
		}
		return r.fail(ErrOpen)
	}
	r.hash.Write(r.unhashed)
	r.unhashed = nil
	var got [sha256.Size]byte
	r.hash.Sum(got[:0])
	if subtle.ConstantTimeCompare(got[:], r.want[:]) != 1 {
		return r.fail(ErrOpen)
	}
	r.err = io.EOF
	return 0, io.EOF
}

// readErr turns a short read into ErrOpen (a truncated blob) and keeps
// other read errors (a network or disk failure) as they are.
func readErr(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return ErrOpen
	}
	return fmt.Errorf("read attachment: %w", err)
}
