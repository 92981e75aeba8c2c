package imageclip

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"cipherleaf.dev/client/attach"
)

// testPNG encodes a small w×h image.
func testPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{uint8(x * 7), uint8(y * 11), 200, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestImage(t *testing.T) {
	pic := testPNG(t, 3, 2)
	limit := len(pic)
	tests := []struct {
		name    string
		read    func() ([]byte, error)
		want    []byte
		wantErr error // nil: no error; errAny: any error
	}{
		{"no image", func() ([]byte, error) { return nil, nil }, nil, nil},
		{"empty image", func() ([]byte, error) { return []byte{}, nil }, nil, nil},
		{"a PNG of the limit", func() ([]byte, error) { return pic, nil }, pic, nil},
		{"a PNG over the limit", func() ([]byte, error) { return append(slices.Clone(pic), 0), nil }, nil, attach.ErrFileTooLarge},
		{"not a PNG", func() ([]byte, error) { return []byte("GIF89a..."), nil }, nil, ErrNotPNG},
		{"a read error", func() ([]byte, error) { return nil, ErrTimeout }, nil, ErrTimeout},
		{"the library panics", func() ([]byte, error) { panic("index out of range") }, nil, errAny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClipboard(time.Minute, int64(limit), tt.read)
			got, err := c.Image()
			switch {
			case tt.wantErr == errAny && err == nil,
				tt.wantErr != errAny && !errors.Is(err, tt.wantErr),
				tt.wantErr == nil && err != nil:
				t.Fatalf("Image() error = %v, want %v", err, tt.wantErr)
			}
			if !bytes.Equal(got, tt.want) {
				t.Errorf("Image() = %d bytes, want %d", len(got), len(tt.want))
			}
		})
	}
}

var errAny = errors.New("any error")

// TestImageTimeout: an owner that never answers costs the caller the
// timeout once; later calls fail at once without another read until the
// stuck one ends, and then reads work again.
func TestImageTimeout(t *testing.T) {
	pic := testPNG(t, 2, 2)
	release := make(chan struct{})
	var reads atomic.Int32
	c := newClipboard(50*time.Millisecond, 1<<20, func() ([]byte, error) {
		if reads.Add(1) == 1 {
			<-release
		}
		return pic, nil
	})
	if _, err := c.Image(); !errors.Is(err, ErrTimeout) {
		t.Fatalf("Image() with a silent owner: error = %v, want ErrTimeout", err)
	}
	if _, err := c.Image(); !errors.Is(err, ErrTimeout) || reads.Load() != 1 {
		t.Fatalf("Image() while the first read waits: error = %v after %d reads, want ErrTimeout and still 1 read", err, reads.Load())
	}
	close(release)
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, err := c.Image()
		if err == nil {
			if !bytes.Equal(got, pic) {
				t.Fatalf("Image() = %d bytes, want the %d-byte PNG", len(got), len(pic))
			}
			return
		}
		if !errors.Is(err, ErrTimeout) || time.Now().After(deadline) {
			t.Fatalf("Image() after the owner answered: %v", err)
		}
		time.Sleep(time.Millisecond) // polling for the stuck read to end, bounded by the deadline
	}
}
