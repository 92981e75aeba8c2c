package httpapi

import (
	"bufio"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"cipherleaf.dev/server"
	"cipherleaf.dev/server/blob"
	"cipherleaf.dev/shared/protocol"
)

// transferDeadline bounds one attachment request (a PATCH part or a GET)
// instead of the server's short read/write timeouts: a client uploads in
// parts and resumes a download with Range, so a slow link is not cut off
// mid-part.
const transferDeadline = 30 * time.Minute

// maxAttachment is the largest content the server accepts.
func (a *api) maxAttachment() int64 {
	if a.MaxAttachment > 0 {
		return a.MaxAttachment
	}
	return protocol.MaxAttachmentSize
}

func attachmentID(c echo.Context) (string, error) {
	id := c.Param("id")
	if !protocol.ValidID(id) {
		return "", badRequest("the attachment id must be a lowercase UUID")
	}
	return id, nil
}

func (a *api) attachmentStatus(c echo.Context, status int, at server.Attachment) error {
	n, done, err := a.Blobs.Stat(c.Request().Context(), at.BlobKey())
	if err != nil {
		return err
	}
	if done && !at.Complete {
		// Committed, but the server stopped before it recorded that.
		if err := a.Store.CompleteAttachment(c.Request().Context(), at.UserUID, at.ID); err != nil {
			return err
		}
	}
	return c.JSON(status, protocol.AttachmentStatus{ID: at.ID, Size: at.Size, Offset: n, Complete: done})
}

// handleDeclareAttachment answers POST /attachments: the size is checked
// against the limit and the quota before any byte is stored.
func (a *api) handleDeclareAttachment(c echo.Context) error {
	var req protocol.CreateAttachmentRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if !protocol.ValidID(req.ID) {
		return badRequest("the attachment id must be a lowercase UUID")
	}
	if req.Size > protocol.AttachmentBlobSize(a.maxAttachment()) {
		return tooLarge("the attachment is over this server's size limit")
	}
	if !protocol.ValidAttachmentBlobSize(req.Size, a.maxAttachment()) {
		return badRequest("size is not the size of an attachment blob")
	}
	p := who(c)
	at, created, err := a.Store.DeclareAttachment(c.Request().Context(), p.UserID, p.UID, req.ID, req.Size, a.Quota)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return a.attachmentStatus(c, status, at)
}

// handleUploadAttachment answers PATCH /attachments/{id}: it appends the
// body at Upload-Offset, streaming it to the blob store.
func (a *api) handleUploadAttachment(c echo.Context) error {
	id, err := attachmentID(c)
	if err != nil {
		return err
	}
	off, err := strconv.ParseInt(c.Request().Header.Get(protocol.HeaderUploadOffset), 10, 64)
	if err != nil || off < 0 {
		return badRequest("Upload-Offset must be a byte offset")
	}
	ctx := c.Request().Context()
	p := who(c)
	at, err := a.Store.GetAttachment(ctx, p.UID, id)
	if err != nil {
		return err
	}
	if at.Complete {
		if off == at.Size && c.Request().ContentLength == 0 {
			return a.attachmentStatus(c, http.StatusOK, at)
		}
		return errAttachmentComplete
	}
	left := at.Size - off
	if left < 0 || c.Request().ContentLength > left {
		return tooLarge("more bytes than the attachment's declared size")
	}
	_ = http.NewResponseController(c.Response().Writer).SetReadDeadline(time.Now().Add(transferDeadline))
	n, err := a.Blobs.Append(ctx, at.BlobKey(), off, c.Request().Body, left)
	if n > off {
		a.Metrics.SyncBytesIn.Add(float64(n - off))
	}
	if err != nil {
		return err
	}
	if n == at.Size {
		if err := a.Blobs.Commit(ctx, at.BlobKey()); err != nil {
			return err
		}
		if err := a.Store.CompleteAttachment(ctx, at.UserUID, at.ID); err != nil {
			return err
		}
		at.Complete = true
	}
	return a.attachmentStatus(c, http.StatusOK, at)
}

// handleGetAttachment answers GET /attachments/{id}, with Range support,
// streaming from the blob store.
func (a *api) handleGetAttachment(c echo.Context) error {
	id, err := attachmentID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	at, err := a.Store.GetAttachment(ctx, who(c).UID, id)
	if err != nil {
		return err
	}
	if !at.Complete {
		return server.ErrNotFound
	}
	obj, err := a.Blobs.Open(ctx, at.BlobKey())
	if err != nil {
		return err
	}
	defer obj.Close()
	_ = http.NewResponseController(c.Response().Writer).SetWriteDeadline(time.Now().Add(transferDeadline))
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, echo.MIMEOctetStream)
	h.Set("Cache-Control", "no-store")
	a.Metrics.SyncBytesOut.Add(float64(obj.Size()))
	// ServeContent writes 32 KiB at a time; gathered into larger writes
	// the blob leaves in fewer HTTP/2 frames (the client accepts frames of
	// up to 256 KiB), each handed between the server's goroutines.
	bw := bufio.NewWriterSize(c.Response(), downloadBuffer)
	http.ServeContent(bufferedResponse{c.Response(), bw}, c.Request(), "", obj.ModTime(), obj)
	return bw.Flush()
}

// downloadBuffer is the write buffer of an attachment download.
const downloadBuffer = 256 << 10

// bufferedResponse writes the body through a buffer; the caller flushes it.
type bufferedResponse struct {
	http.ResponseWriter
	bw *bufio.Writer
}

func (b bufferedResponse) Write(p []byte) (int, error) { return b.bw.Write(p) }

// handleReleaseAttachment answers DELETE /attachments/{id}.
func (a *api) handleReleaseAttachment(c echo.Context) error {
	id, err := attachmentID(c)
	if err != nil {
		return err
	}
	if err := a.Store.ReleaseAttachment(c.Request().Context(), who(c).UID, id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// errAttachmentComplete: an upload to an id whose blob is complete (ids
// are write-once).
var errAttachmentComplete = errors.New("this attachment is already complete")

// isAttachmentConflict reports errors answered with 409 conflict.
func isAttachmentConflict(err error) bool {
	return errors.Is(err, blob.ErrOffset) || errors.Is(err, errAttachmentComplete) || errors.Is(err, server.ErrConflict)
}
