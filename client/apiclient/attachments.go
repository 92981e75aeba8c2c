package apiclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"cipherleaf.dev/shared/protocol"
)

// Attachment transfers (SPEC §7.7). Declaring and releasing are small JSON
// calls; uploads and downloads stream raw bytes through a client without
// the per-request timeout (a large transfer may take minutes; the caller's
// context bounds it) and without resty's buffering.

// DeclareAttachment declares an upload of size blob bytes and returns how
// many the server already holds.
func (c *Client) DeclareAttachment(ctx context.Context, id string, size int64) (*protocol.AttachmentStatus, error) {
	var out protocol.AttachmentStatus
	err := c.do(ctx, call{method: http.MethodPost, path: "/attachments", auth: true,
		body: protocol.CreateAttachmentRequest{ID: id, Size: size}, out: &out})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ReleaseAttachment tells the server the attachment is no longer referenced.
func (c *Client) ReleaseAttachment(ctx context.Context, id string) error {
	return c.do(ctx, call{method: http.MethodDelete, path: "/attachments/" + id, auth: true})
}

// UploadAttachment sends n bytes read from body as the part of blob id
// starting at offset.
func (c *Client) UploadAttachment(ctx context.Context, id string, offset int64, body io.Reader, n int64) (*protocol.AttachmentStatus, error) {
	resp, err := c.stream(ctx, func(access string) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPatch, c.base+protocol.PathPrefix+"/attachments/"+id, io.LimitReader(body, n))
		if err != nil {
			return nil, err
		}
		req.ContentLength = n
		req.Header.Set("Content-Type", "application/octet-stream")
		req.Header.Set(protocol.HeaderUploadOffset, strconv.FormatInt(offset, 10))
		req.Header.Set("Authorization", "Bearer "+access)
		// The body cannot be replayed after a 401: send nothing until the
		// server has accepted the token.
		req.Header.Set("Expect", "100-continue")
		return req, nil
	})
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return nil, c.transportError(ctx, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, apiError(resp.StatusCode, b)
	}
	var out protocol.AttachmentStatus
	if err := decodeJSON(b, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DownloadAttachment streams blob id from byte from on. The caller closes
// the reader; its size is the remaining length when the server said it.
func (c *Client) DownloadAttachment(ctx context.Context, id string, from int64) (io.ReadCloser, error) {
	resp, err := c.stream(ctx, func(access string) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+protocol.PathPrefix+"/attachments/"+id, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+access)
		if from > 0 {
			req.Header.Set("Range", "bytes="+strconv.FormatInt(from, 10)+"-")
		}
		return req, nil
	})
	if err != nil {
		return nil, err
	}
	want := http.StatusOK
	if from > 0 {
		want = http.StatusPartialContent
	}
	if resp.StatusCode != want {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		if resp.StatusCode >= 200 && resp.StatusCode < 300 {
			return nil, fmt.Errorf("%w: status %d for a download from %d", ErrBadResponse, resp.StatusCode, from)
		}
		return nil, apiError(resp.StatusCode, b)
	}
	return &transferBody{ReadCloser: resp.Body, c: c, ctx: ctx}, nil
}

// transferBody classifies read errors of a streamed answer like any other
// transport error (a dropped connection is ErrUnreachable).
type transferBody struct {
	io.ReadCloser
	c   *Client
	ctx context.Context
}

func (b *transferBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		// The connection ended before the announced length: a cut link,
		// not a short blob (which would end cleanly), so it is retried
		// rather than taken for tampering.
		err = fmt.Errorf("%w: the answer was cut off", ErrUnreachable)
	case err != nil && !errors.Is(err, io.EOF):
		err = b.c.transportError(b.ctx, err)
	}
	return n, err
}

// stream sends the request build makes with the current access token,
// refreshing the tokens and building it again once on a 401.
func (c *Client) stream(ctx context.Context, build func(access string) (*http.Request, error)) (*http.Response, error) {
	hc := &http.Client{
		Transport:     c.http.GetClient().Transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	for attempt := 0; ; attempt++ {
		access, gen := c.tokens.snapshot()
		if access == "" {
			if err := c.refresh(ctx, gen); err != nil {
				return nil, err
			}
			access, gen = c.tokens.snapshot()
		}
		req, err := build(access)
		if err != nil {
			return nil, fmt.Errorf("build request: %w", err)
		}
		req.Header.Set("User-Agent", userAgent)
		resp, err := hc.Do(req)
		if err != nil {
			return nil, c.transportError(ctx, err)
		}
		if resp.StatusCode != http.StatusUnauthorized {
			return resp, nil
		}
		resp.Body.Close()
		if attempt > 0 {
			return nil, ErrSessionExpired
		}
		if err := c.refresh(ctx, gen); err != nil {
			return nil, err
		}
	}
}
