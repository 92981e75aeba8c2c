package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"cipherleaf.dev/server"
)

// testAttachments: declaration counts toward the quota once, a repeated
// declaration is idempotent, release and collection give the bytes back.
func testAttachments(t *testing.T, h Harness) {
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	s := h.Open(t, Options{Now: func() time.Time { return now }})
	ctx := context.Background()
	u, _ := newUser(t, s, "alice")
	const att = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
	var wg sync.WaitGroup
	created := make([]bool, 4)
	errs := make([]error, 4)
	for i := range 4 {
		wg.Go(func() { _, created[i], errs[i] = s.DeclareAttachment(ctx, u.ID, u.UID, att, 1000, 0) })
	}
	wg.Wait()
	n := 0
	for i := range 4 {
		if errs[i] != nil {
			t.Fatalf("DeclareAttachment %d: %v", i, errs[i])
		}
		if created[i] {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d concurrent declarations created the attachment, want 1", n)
	}
	if _, _, err := s.DeclareAttachment(ctx, u.ID, u.UID, att, 999, 0); !errors.Is(err, server.ErrConflict) {
		t.Errorf("DeclareAttachment(other size) = %v, want ErrConflict", err)
	}
	if _, _, err := s.DeclareAttachment(ctx, u.ID, u.UID, "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb", 500, 1200); !errors.Is(err, server.ErrQuotaExceeded) {
		t.Errorf("DeclareAttachment over quota = %v, want ErrQuotaExceeded", err)
	}
	if err := s.CompleteAttachment(ctx, u.UID, att); err != nil {
		t.Fatal(err)
	}
	a, err := s.GetAttachment(ctx, u.UID, att)
	if err != nil || !a.Complete || a.Size != 1000 || !a.Released.IsZero() {
		t.Fatalf("GetAttachment = %+v, %v", a, err)
	}
	if _, err := s.GetAttachment(ctx, "someone-else", att); !errors.Is(err, server.ErrNotFound) {
		t.Errorf("GetAttachment(other user) = %v, want ErrNotFound", err)
	}
	if l, err := s.CollectableAttachments(ctx, now, 10); err != nil || len(l) != 0 {
		t.Errorf("CollectableAttachments(in use) = %+v, %v; want none", l, err)
	}
	if err := s.ReleaseAttachment(ctx, u.UID, att); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Hour)
	l, err := s.CollectableAttachments(ctx, now, 10)
	if err != nil || len(l) != 1 || l[0].ID != att {
		t.Fatalf("CollectableAttachments(released) = %+v, %v", l, err)
	}
	if err := s.RemoveAttachment(ctx, l[0]); err != nil {
		t.Fatal(err)
	}
	us, err := s.ListUsers(ctx)
	if err != nil || len(us) != 1 || us[0].UsedBytes != 0 {
		t.Errorf("ListUsers after collection = %+v, %v; want 0 bytes used", us, err)
	}
}
