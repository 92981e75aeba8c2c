package attach

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"slices"
	"syscall"
	"testing"

	"cipherleaf.dev/shared/protocol"
)

var errCut = errors.New("connection reset (test)")

// cutRemote serves one blob; answer i is cut after cuts[i] bytes (no cut
// past the list) and, if flip[i], has its first byte after the offset
// asked for changed. It records the offset of every download.
type cutRemote struct {
	Remote
	blob  []byte
	cuts  []int
	flip  []bool
	froms []int64
}

type cutBody struct {
	r   io.Reader
	err error
}

func (c *cutBody) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if err == io.EOF && c.err != nil {
		err = c.err
	}
	return n, err
}

func (c *cutBody) Close() error { return nil }

func (c *cutRemote) DownloadAttachment(ctx context.Context, id string, from int64) (io.ReadCloser, error) {
	i := len(c.froms)
	c.froms = append(c.froms, from)
	body := slices.Clone(c.blob[from:])
	if i < len(c.flip) && c.flip[i] {
		body[0] ^= 1
	}
	if i < len(c.cuts) && c.cuts[i] < len(body) {
		return &cutBody{r: bytes.NewReader(body[:c.cuts[i]]), err: errCut}, nil
	}
	return &cutBody{r: bytes.NewReader(body)}, nil
}

// TestFetchResumes: downloads cut off resume from the last verified chunk
// with the offsets the server is asked for, the caller gets each content
// byte once, and the cases that must not resume do not.
func TestFetchResumes(t *testing.T) {
	const sc = sealedChunk
	tests := []struct {
		name      string
		cuts      []int
		flip      []bool
		part      int64 // bytes of a part file left before the call (-1: longer than the blob)
		full      int   // the caller's writer fails after this many bytes (0: never)
		wantErr   error
		wantFroms []int64
	}{
		{name: "whole", wantFroms: []int64{0}},
		{name: "cut twice", cuts: []int{16 + 2*sc + 100, sc + 5}, wantFroms: []int64{0, 16 + 2*sc, 16 + 3*sc}},
		{name: "cut inside the first chunk: no progress, no retry", cuts: []int{100}, wantErr: errCut, wantFroms: []int64{0}},
		{name: "tampered after a resume", cuts: []int{16 + sc + 7}, flip: []bool{false, true}, wantErr: ErrTampered, wantFroms: []int64{0, 16 + sc}},
		{name: "part file from an earlier call", part: 16 + 2*sc + 9, wantFroms: []int64{16 + 2*sc}},
		{name: "part file longer than the blob", part: -1, wantFroms: []int64{0}},
		{name: "caller's disk full: not retried", cuts: []int{16 + 3*sc}, full: 100000, wantErr: syscall.ENOSPC, wantFroms: []int64{0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := testStore(t)
			p, data := writeFile(t, 5*protocol.AttachmentChunkSize)
			ref, err := src.Seal(testUser, p)
			if err != nil {
				t.Fatal(err)
			}
			blob, _ := os.ReadFile(src.blobPath(ref.ID))
			s := testStore(t)
			switch {
			case tt.part > 0:
				os.WriteFile(s.marker(ref.ID, "part"), blob[:tt.part], 0o600)
			case tt.part < 0:
				os.WriteFile(s.marker(ref.ID, "part"), append(slices.Clone(blob), 0), 0o600)
			}
			r := &cutRemote{blob: blob, cuts: tt.cuts, flip: tt.flip}
			var out bytes.Buffer
			var w io.Writer = &out
			if tt.full > 0 {
				w = &limitedWriter{w: &out, room: tt.full}
			}
			err = s.Fetch(context.Background(), r, testUser, ref, w, nil)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Fetch = %v, want %v", err, tt.wantErr)
			}
			if !slices.Equal(r.froms, tt.wantFroms) {
				t.Errorf("downloads from %v, want %v", r.froms, tt.wantFroms)
			}
			_, perr := os.Stat(s.marker(ref.ID, "part"))
			switch {
			case tt.wantErr == nil:
				if !bytes.Equal(out.Bytes(), data) {
					t.Errorf("the writer got %d bytes, identical %v", out.Len(), bytes.Equal(out.Bytes(), data))
				}
				if !s.Has(ref.ID) || perr == nil {
					t.Errorf("after a whole download: cached %v, part file %v", s.Has(ref.ID), perr)
				}
			case errors.Is(tt.wantErr, ErrTampered):
				if perr == nil {
					t.Error("the part file of a tampered download was kept")
				}
			default:
				if fi, err := os.Stat(s.marker(ref.ID, "part")); err != nil || keepPart(fi.Size(), int64(len(blob))) != fi.Size() {
					t.Errorf("part file after an interrupted download: %v, %v", fi, err)
				}
			}
		})
	}
}

type limitedWriter struct {
	w    io.Writer
	room int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if len(p) > l.room {
		n, _ := l.w.Write(p[:l.room])
		l.room = 0
		return n, syscall.ENOSPC
	}
	l.room -= len(p)
	return l.w.Write(p)
}

// TestOnceWriter: content opened again in a later attempt is not passed
// on twice.
func TestOnceWriter(t *testing.T) {
	var out bytes.Buffer
	o := &onceWriter{w: &out}
	o.start()
	o.Write([]byte("abc"))
	o.Write([]byte("de"))
	o.start()
	o.Write([]byte("ab"))
	o.Write([]byte("cdefg"))
	o.Write([]byte("h"))
	if out.String() != "abcdefgh" || o.released != 8 {
		t.Errorf("onceWriter passed %q (released %d), want %q", out.String(), o.released, "abcdefgh")
	}
}
