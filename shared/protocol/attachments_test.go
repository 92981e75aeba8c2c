package protocol

import "testing"

func TestAttachmentBlobSize(t *testing.T) {
	tests := []struct {
		size, padded, chunks, blob int64
	}{
		{0, 512, 1, 544},
		{1, 512, 1, 544},
		{512, 512, 1, 544},
		{513, 1024, 1, 1056},
		{65535, 65536, 1, 65568},
		{65536, 65536, 1, 65568},
		{65537, 131072, 2, 131120},
		{200000, 262144, 4, 262224},
		{1 << 30, 1 << 30, 16384, 16 + 1<<30 + 16*16384},
	}
	for _, tt := range tests {
		s, n := AttachmentPadded(tt.size)
		if s != tt.padded || n != tt.chunks {
			t.Errorf("AttachmentPadded(%d) = %d, %d, want %d, %d", tt.size, s, n, tt.padded, tt.chunks)
		}
		if got := AttachmentBlobSize(tt.size); got != tt.blob {
			t.Errorf("AttachmentBlobSize(%d) = %d, want %d", tt.size, got, tt.blob)
		}
		if !ValidAttachmentBlobSize(tt.blob, 1<<30) {
			t.Errorf("ValidAttachmentBlobSize(%d) = false, want true", tt.blob)
		}
	}
}

func TestValidAttachmentBlobSize(t *testing.T) {
	for _, tt := range []struct {
		b    int64
		max  int64
		want bool
	}{
		{543, 1 << 30, false},
		{545, 1 << 30, false},
		{1000, 1 << 30, false},
		{65569, 1 << 30, false},
		{131119, 1 << 30, false},
		{131120, 65536, false}, // over the limit
		{131120, 65537, true},
		{16 + 1<<30 + 16*16384 + 65552, 1 << 30, false},
	} {
		if got := ValidAttachmentBlobSize(tt.b, tt.max); got != tt.want {
			t.Errorf("ValidAttachmentBlobSize(%d, %d) = %v, want %v", tt.b, tt.max, got, tt.want)
		}
	}
}
