package core_test

import (
	"context"
	"testing"
	"time"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/internal/fakeremote"
	"cipherleaf.dev/client/keystore"
	"cipherleaf.dev/shared/cryptobox"
)

// clockedFake opens a core on srv whose time is clk.
func clockedFake(t *testing.T, srv *fakeremote.Server, clk *clock) *core.Core {
	t.Helper()
	c, err := core.Open(core.Config{
		ProfileDir: t.TempDir(), Policy: cryptobox.InsecureTestPolicy, NewParams: tinyParams,
		Keyring: keystore.OS{}, DeviceName: "typist", Now: clk.now,
		Dial:  func(rc core.RemoteConfig) (core.Remote, error) { return srv.Dial(rc), nil },
		Probe: func(context.Context, string) (string, bool, error) { return srv.Fingerprint, false, nil },
	})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// serverRev is the revision the server holds for note id.
func serverRev(t *testing.T, srv *fakeremote.Server, user, id string) uint64 {
	t.Helper()
	rev, _, _, ok := srv.Note(user, id)
	if !ok {
		return 0
	}
	return rev
}

// autosave types body into note id as the app's autosave does.
func autosave(t *testing.T, c *core.Core, id, body string) {
	t.Helper()
	n, err := c.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	n.Body = body
	if err := c.Autosave(id, n); err != nil {
		t.Fatalf("Autosave: %v", err)
	}
}

// TestTypingSessionCoalescesAutosaves checks SPEC §12.4 on an injected
// clock: autosaves within 5 minutes make no server revision until the
// session ends, by age, by an explicit save, or by another device's edit.
func TestTypingSessionCoalescesAutosaves(t *testing.T) {
	cases := []struct {
		name string
		end  func(t *testing.T, c *core.Core, clk *clock, id string)
	}{
		{"five minutes after the first edit", func(t *testing.T, c *core.Core, clk *clock, id string) {
			clk.t = clk.t.Add(core.TypingSession - 2*time.Minute) // 5 min after the first autosave
		}},
		{"explicit save (Ctrl+S, leaving the note)", func(t *testing.T, c *core.Core, clk *clock, id string) {
			c.EndTyping(id)
		}},
		{"all sessions ended (lock)", func(t *testing.T, c *core.Core, clk *clock, id string) {
			c.EndTyping("")
		}},
		{"an explicit Update (the CLI's edit)", func(t *testing.T, c *core.Core, clk *clock, id string) {
			n, _ := c.Get(id)
			n.Title = "saved"
			if err := c.Update(id, n); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := fakeremote.New()
			clk := &clock{t: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)}
			c := clockedFake(t, srv, clk)
			register(t, c, srv, "typist", "pw")
			id := create(t, c, "diary", "v0")
			other := create(t, c, "other", "x")
			mustSync(t, c)
			base := serverRev(t, srv, "typist", id)

			// Three autosaves a minute apart, each followed by a sync, and
			// a sync that pushes another note: no new revision of id.
			for i, body := range []string{"v1", "v2", "v3"} {
				if i > 0 {
					clk.t = clk.t.Add(time.Minute)
				}
				autosave(t, c, id, body)
				mustSync(t, c)
			}
			n, _ := c.Get(other)
			n.Body = "y"
			if err := c.Update(other, n); err != nil {
				t.Fatal(err)
			}
			mustSync(t, c)
			if got := serverRev(t, srv, "typist", id); got != base {
				t.Fatalf("server revision %d during the session, want still %d", got, base)
			}
			if st := c.Status(); st.Pending != 1 {
				t.Errorf("Pending = %d during the session, want 1 (the held note)", st.Pending)
			}

			tc.end(t, c, clk, id)
			mustSync(t, c)
			if got := serverRev(t, srv, "typist", id); got != base+1 {
				t.Fatalf("server revision %d after the session ended, want exactly one more than %d", got, base)
			}
			if st := c.Status(); st.Pending != 0 {
				t.Errorf("Pending = %d after the session, want 0", st.Pending)
			}

			// The next autosave starts a new session.
			autosave(t, c, id, "v4")
			mustSync(t, c)
			if got := serverRev(t, srv, "typist", id); got != base+1 {
				t.Errorf("a new session pushed at once (revision %d)", got)
			}
		})
	}
}

// TestTypingSessionEndsOnAnotherDevicesEdit: a pull that brings another
// device's revision of the note merges and pushes the session at once.
func TestTypingSessionEndsOnAnotherDevicesEdit(t *testing.T) {
	srv := fakeremote.New()
	clk := &clock{t: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)}
	a, b := clockedFake(t, srv, clk), clockedFake(t, srv, clk)
	register(t, a, srv, "pair", "pw")
	login(t, b, srv, "pair", "pw")
	id := create(t, a, "shared", "line one\n\nmiddle\n\nline two\n")
	mustSync(t, a)
	mustSync(t, b)

	autosave(t, a, id, "line one, typed on a\n\nmiddle\n\nline two\n")
	mustSync(t, a)
	base := serverRev(t, srv, "pair", id)

	n, _ := b.Get(id)
	n.Body = "line one\n\nmiddle\n\nline two, typed on b\n"
	if err := b.Update(id, n); err != nil {
		t.Fatal(err)
	}
	mustSync(t, b)
	if got := serverRev(t, srv, "pair", id); got != base+1 {
		t.Fatalf("b's edit made revision %d, want %d", got, base+1)
	}
	mustSync(t, a) // pulls b's revision: a's session is merged and pushed now
	if got := serverRev(t, srv, "pair", id); got != base+2 {
		t.Fatalf("after a's pull the server holds revision %d, want %d (a's merged session)", got, base+2)
	}
	mustSync(t, b)
	if n, _ := b.Get(id); n.Body != "line one, typed on a\n\nmiddle\n\nline two, typed on b\n" {
		t.Errorf("b sees %q, want both edits merged", n.Body)
	}
}
