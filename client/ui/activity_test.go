package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/shared/note"
)

// autoLockIn starts auto-lock at 5 minutes on an unlocked harness.
func autoLockIn(t *testing.T) (*harness, *fakeAPI) {
	h, api, _ := unlocked(t, Options{})
	h.u.idle.Start(5 * time.Minute)
	return h, api
}

func TestAutoLockCountsMouseAndScrolling(t *testing.T) {
	cases := []struct {
		name string
		act  func(h *harness)
	}{
		{"pointer moving over the editor's text", func(h *harness) {
			body := h.u.main.editor.body
			pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(body).Add(fyne.NewPos(40, 40))
			test.MoveMouse(h.canvas(), pos)
			test.MoveMouse(h.canvas(), pos.Add(fyne.NewPos(5, 5)))
		}},
		{"click in the body", func(h *harness) {
			ev := &desktop.MouseEvent{Button: desktop.MouseButtonPrimary}
			h.u.main.editor.body.MouseDown(ev)
			h.u.main.editor.body.MouseUp(ev)
		}},
		{"scrolling the preview", func(h *harness) {
			e := h.u.main.editor
			e.body.SetText(strings.Repeat("line\n\n", 400))
			h.advance(defaultAutosaveDelay)
			h.u.idle.Start(5 * time.Minute) // the edit above counted; start over
			h.advance(4 * time.Minute)
			e.togglePreview()
			e.preview.Scrolled(&fyne.ScrollEvent{Scrolled: fyne.Delta{DY: -200}})
		}},
		{"wheel over the note list", func(h *harness) {
			l := h.u.main.list
			for i := range 60 {
				h.fake.add(note.Note{Title: "filler " + itoa(i), Modified: testNow.Add(-time.Duration(i+100) * time.Hour)})
			}
			l.reload()
			before := l.list.GetScrollOffset()
			pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(l.list).Add(fyne.NewPos(100, 100))
			test.Scroll(h.canvas(), pos, 0, -120)
			if got := l.list.GetScrollOffset(); got <= before {
				h.t.Errorf("the wheel over the list left it at offset %v (was %v)", got, before)
			}
		}},
		{"wheel over a part that does not scroll", func(h *harness) {
			test.Scroll(h.canvas(), fyne.NewPos(500, 20), 0, -10)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, api := autoLockIn(t)
			h.advance(4 * time.Minute)
			c.act(h)
			h.wait()
			h.advance(4 * time.Minute)
			if api.Locked() {
				t.Fatal("locked although there was activity 4 minutes ago")
			}
			h.advance(time.Minute + time.Second)
			if !api.Locked() {
				t.Fatal("not locked after 5 idle minutes")
			}
		})
	}
}

func TestAutoLockWaitsForLongWork(t *testing.T) {
	t.Run("background task", func(t *testing.T) {
		h, api := autoLockIn(t)
		release := make(chan struct{})
		h.u.background(func() func() {
			<-release
			return nil
		})
		h.clock.Advance(11 * time.Minute) // not h.advance: the task is still running
		if api.Locked() {
			t.Fatal("locked in the middle of a running export")
		}
		close(release)
		h.wait()
		h.advance(4 * time.Minute)
		if api.Locked() {
			t.Fatal("locked 4 minutes after the task ended")
		}
		h.advance(time.Minute + time.Second)
		if !api.Locked() {
			t.Fatal("not locked 5 idle minutes after the task ended")
		}
	})
	t.Run("sync started by the core", func(t *testing.T) {
		h, api := autoLockIn(t)
		h.emit(core.Event{Kind: core.EventStatusChanged, Status: core.SyncStatus{State: core.StateSyncing, Done: 1, Total: 5000}})
		h.advance(20 * time.Minute)
		if api.Locked() {
			t.Fatal("locked during a long sync")
		}
		h.emit(core.Event{Kind: core.EventStatusChanged, Status: core.SyncStatus{State: core.StateSynced, LastSync: testNow}})
		h.advance(5*time.Minute + time.Second)
		if !api.Locked() {
			t.Fatal("not locked 5 idle minutes after the sync ended")
		}
	})
}
