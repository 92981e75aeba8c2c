package protocol

// Attachment blob geometry and limits (SPEC §11.2, §11.5), shared so the
// client and the server compute them once.
const (
	// AttachmentChunkSize is the plaintext size of one chunk.
	AttachmentChunkSize = 64 << 10
	// AttachmentHeaderSize is the blob header: version byte and nonce prefix.
	AttachmentHeaderSize = 1 + 15
	// AttachmentTagSize is the tag each sealed chunk adds.
	AttachmentTagSize = 16
	// MaxAttachmentFormat is the largest content the format allows (1 TiB).
	MaxAttachmentFormat = 1 << 40
	// MaxAttachmentSize is the client's limit and the server's default (1 GiB).
	MaxAttachmentSize = 1 << 30
	// MaxAttachments is the most attachments one note references.
	MaxAttachments = 256
	// MaxAttachmentName bounds a name and a media type, in bytes.
	MaxAttachmentName = 255
)

// HeaderUploadOffset carries the offset of a PATCH /attachments/{id}.
const HeaderUploadOffset = "Upload-Offset"

// AttachmentPadded returns S = bucket(size) of SPEC §11.2 and the chunk
// count n. size must be in [0, MaxAttachmentFormat].
func AttachmentPadded(size int64) (padded, chunks int64) {
	if size <= AttachmentChunkSize {
		s := int64(512)
		for s < size {
			s *= 2
		}
		return s, 1
	}
	n := (size + AttachmentChunkSize - 1) / AttachmentChunkSize
	return n * AttachmentChunkSize, n
}

// AttachmentBlobSize returns the size of the sealed blob of size content
// bytes: 16 + S + 16·n.
func AttachmentBlobSize(size int64) int64 {
	s, n := AttachmentPadded(size)
	return AttachmentHeaderSize + s + AttachmentTagSize*n
}

// ValidAttachmentBlobSize reports whether b is the blob size of some
// content of at most maxContent bytes, that is a size a real blob has.
func ValidAttachmentBlobSize(b, maxContent int64) bool {
	if b < AttachmentBlobSize(0) || b > AttachmentBlobSize(maxContent) {
		return false
	}
	body := b - AttachmentHeaderSize
	if body <= AttachmentChunkSize+AttachmentTagSize {
		s := body - AttachmentTagSize
		return s >= 512 && s&(s-1) == 0
	}
	return body%(AttachmentChunkSize+AttachmentTagSize) == 0
}

// CreateAttachmentRequest declares an upload (POST /attachments).
type CreateAttachmentRequest struct {
	ID   string `json:"id"`
	Size int64  `json:"size"` // blob bytes
}

// AttachmentStatus answers POST and PATCH /attachments: how many bytes the
// server holds of the declared size.
type AttachmentStatus struct {
	ID       string `json:"id"`
	Size     int64  `json:"size"`
	Offset   int64  `json:"offset"`
	Complete bool   `json:"complete"`
}
