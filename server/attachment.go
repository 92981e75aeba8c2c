package server

import (
	"time"
)

// Attachment is the bookkeeping of one attachment blob (SPEC §7.7).
type Attachment struct {
	UserUID  string
	ID       string
	Size     int64 // declared blob bytes
	Complete bool
	Created  time.Time
	Released time.Time // zero while in use
}

// BlobKey names the attachment's bytes in a blob store.
func (a Attachment) BlobKey() string { return AttachmentBlobKey(a.UserUID, a.ID) }

// AttachmentBlobKey names the bytes of attachment id of user uid in a blob store.
func AttachmentBlobKey(userUID, id string) string { return userUID + "/" + id }
