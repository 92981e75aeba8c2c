package ui

import (
	"testing"

	"fyne.io/fyne/v2"
)

func TestFirstWindowSize(t *testing.T) {
	cases := []struct {
		name        string
		screen      fyne.Size
		scale       float32
		saved, want fyne.Size
	}{
		{"unknown screen", fyne.Size{}, 1, fyne.Size{}, fallbackWindow},
		{"unknown screen, saved", fyne.Size{}, 1, fyne.NewSize(900, 700), fyne.NewSize(900, 700)},
		{"800x600", fyne.NewSize(800, 600), 1, fyne.Size{}, fyne.NewSize(720, 540)},
		{"1280x800", fyne.NewSize(1280, 800), 1, fyne.Size{}, fyne.NewSize(1152, 720)},
		{"1920x1080", fyne.NewSize(1920, 1080), 1, fyne.Size{}, preferredWindow},
		{"1920x1080 at FYNE_SCALE=2", fyne.NewSize(1920, 1080), 2, fyne.Size{}, fyne.NewSize(864, 486)},
		{"4K at 1.5", fyne.NewSize(3840, 2160), 1.5, fyne.Size{}, preferredWindow},
		{"saved larger than this screen", fyne.NewSize(1366, 768), 1, fyne.NewSize(1800, 1000), fyne.NewSize(1229, 691)},
		{"saved fits", fyne.NewSize(2560, 1440), 1, fyne.NewSize(1500, 900), fyne.NewSize(1500, 900)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := firstWindowSize(c.screen, c.scale, c.saved)
			if got != c.want {
				t.Errorf("firstWindowSize(%v, %v, %v) = %v, want %v", c.screen, c.scale, c.saved, got, c.want)
			}
			if !c.screen.IsZero() && (got.Width*c.scale > c.screen.Width || got.Height*c.scale > c.screen.Height) {
				t.Errorf("%v at scale %v is larger than the %v screen", got, c.scale, c.screen)
			}
		})
	}
}

func TestWindowSizeAndSplitRemembered(t *testing.T) {
	h, _, _ := unlocked(t, Options{Size: fyne.NewSize(1000, 700)})
	h.u.main.split.SetOffset(0.42)
	h.u.shutdown()
	u2 := New(h.app, h.api, Options{ScreenPixels: fyne.NewSize(1920, 1080), ScreenScale: 1,
		Now: h.clock.Now, AfterFunc: h.clock.AfterFunc})
	defer u2.win.Close()
	if got := u2.win.Canvas().Size(); got.Width != 1000 || got.Height != 700 {
		t.Errorf("second start opened at %v, want the last size 1000x700", got)
	}
	m := u2.newMainView()
	if m.split.Offset < 0.41 || m.split.Offset > 0.43 {
		t.Errorf("split offset %v, want the saved 0.42", m.split.Offset)
	}
}

func TestTextColumnIsCentredInWideWindows(t *testing.T) {
	for _, width := range []float32{800, 1280, 1920, 3840} {
		h, _, _ := unlocked(t, Options{Size: fyne.NewSize(width, 900)})
		e := h.u.main.editor
		body := e.bodyStack
		pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(body)
		col := columnWidth()
		if body.Size().Width > col+1 {
			t.Errorf("window %v: body %v wide, want at most %v (about %d characters)", width, body.Size().Width, col, textColumnChars)
		}
		editorPos := fyne.CurrentApp().Driver().AbsolutePositionForObject(e.content)
		left := pos.X - editorPos.X
		right := e.content.Size().Width - left - body.Size().Width
		if body.Size().Width >= col && (left-right > 12 || right-left > 12) {
			t.Errorf("window %v: body not centred: %v left, %v right", width, left, right)
		}
		t.Logf("window %v: body %v at %v of %v, column %v", width, body.Size().Width, left, e.content.Size().Width, col)
		if body.Size().Width < 300 {
			t.Errorf("window %v: body only %v wide", width, body.Size().Width)
		}
	}
}

// At 800×600 every control of the notes screen is on screen.
func TestSmallWindowKeepsEveryControlOnScreen(t *testing.T) {
	h, _, _ := unlocked(t, Options{Size: fyne.NewSize(800, 600)})
	c := h.canvas().Size()
	d := fyne.CurrentApp().Driver()
	for _, text := range []string{"New note", "Sync now", "Lock", "Settings", "Preview", "Delete"} {
		b := h.button(text)
		var o fyne.CanvasObject = b
		h.visit(func(x fyne.CanvasObject) {
			if kb, ok := x.(*keyButton); ok && &kb.Button == b {
				o = kb
			}
		})
		p, s := d.AbsolutePositionForObject(o), o.Size()
		if p.X < 0 || p.Y < 0 || p.X+s.Width > c.Width || p.Y+s.Height > c.Height || s.Width < 20 {
			t.Errorf("%q at %v size %v is not fully inside the %v window", text, p, s, c)
		}
	}
	st := h.u.main.status.content
	if p := d.AbsolutePositionForObject(st); p.Y+st.Size().Height > c.Height+1 {
		t.Errorf("status bar ends at %v, below the %v window", p.Y+st.Size().Height, c.Height)
	}
	if min := h.u.main.content.MinSize(); min.Width > 800 || min.Height > 600 {
		t.Errorf("notes screen needs %v, more than 800x600", min)
	}
}

// fakePlacer stands for the desktop driver's window position.
type fakePlacer struct {
	x, y  int
	known bool
	moves [][2]int
}

func (p *fakePlacer) Position() (int, int, bool) { return p.x, p.y, p.known }
func (p *fakePlacer) Move(x, y int)              { p.moves = append(p.moves, [2]int{x, y}) }

// The window opens where it was when the app last closed; before any
// position was known it is left where the system puts it.
func TestWindowPositionIsRemembered(t *testing.T) {
	api := newFakeAPI().withAccount("pw")
	api.locked = false
	first := &fakePlacer{}
	h := newHarness(t, api, Options{Placer: first})
	if len(first.moves) != 0 {
		t.Fatalf("first start moved the window to %v", first.moves)
	}
	first.x, first.y, first.known = 312, 140, true
	h.wait()
	h.u.shutdown() // closing the window saves its state

	second := &fakePlacer{}
	u := New(h.app, api, Options{Placer: second, Now: h.clock.Now, AfterFunc: h.clock.AfterFunc, Size: fyne.NewSize(1000, 700)})
	u.do, u.doAndWait = h.post, h.postAndWait
	u.taskDone = h.signal
	h.u = u // h.wait now waits for the second window's work
	t.Cleanup(func() { h.wait(); u.shutdown(); u.win.Close() })
	u.Show()
	h.wait()
	if len(second.moves) != 1 || second.moves[0] != [2]int{312, 140} {
		t.Fatalf("second start moved the window to %v, want [312 140]", second.moves)
	}
}
