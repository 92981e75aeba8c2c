package apiclient

import (
	"net/http"
	"strings"
	"testing"
)

// TestTransferFrameSize: the client's transport accepts HTTP/2 frames of
// transferFrameSize (attachments move in fewer, larger frames).
func TestTransferFrameSize(t *testing.T) {
	c, err := New(Config{BaseURL: "https://example.org:8443/", Pin: "sha256:" + strings.Repeat("0f", 32)})
	if err != nil {
		t.Fatal(err)
	}
	jb, ok := c.http.GetClient().Transport.(jsonBodies)
	if !ok {
		t.Fatalf("transport is %T, want jsonBodies", c.http.GetClient().Transport)
	}
	tr, ok := jb.next.(*http.Transport)
	if !ok {
		t.Fatalf("transport under jsonBodies is %T, want *http.Transport", jb.next)
	}
	if tr.HTTP2 == nil || tr.HTTP2.MaxReadFrameSize != transferFrameSize {
		t.Errorf("HTTP2 config = %+v, want MaxReadFrameSize %d", tr.HTTP2, transferFrameSize)
	}
}
