package fsblob

import (
	"context"
	"strings"
	"testing"

	"cipherleaf.dev/server/blob/blobtest"
)

func TestStore(t *testing.T) {
	s, err := New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	blobtest.Run(t, s)
	if !strings.HasPrefix(s.finalPath("user/attachment"), s.Root()) {
		t.Error("blob outside the root")
	}
	if n, _, err := s.Stat(context.Background(), "user/attachment"); n != 0 || err != nil {
		t.Errorf("Stat after the suite = %d, %v", n, err)
	}
}
