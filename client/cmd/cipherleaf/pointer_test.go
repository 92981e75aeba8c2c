package main

import (
	"testing"

	"github.com/go-gl/glfw/v3.3/glfw"
)

// fakeCallbacks stands in for a glfw window: it keeps the callbacks set.
type fakeCallbacks struct {
	pos    glfw.CursorPosCallback
	button glfw.MouseButtonCallback
	scroll glfw.ScrollCallback
}

func (f *fakeCallbacks) SetCursorPosCallback(cb glfw.CursorPosCallback) glfw.CursorPosCallback {
	prev := f.pos
	f.pos = cb
	return prev
}

func (f *fakeCallbacks) SetMouseButtonCallback(cb glfw.MouseButtonCallback) glfw.MouseButtonCallback {
	prev := f.button
	f.button = cb
	return prev
}

func (f *fakeCallbacks) SetScrollCallback(cb glfw.ScrollCallback) glfw.ScrollCallback {
	prev := f.scroll
	f.scroll = cb
	return prev
}

// TestHookPointer: each pointer event counts as activity and still reaches
// the handler that was there before (Fyne's), with its arguments; a window
// without a previous handler does not crash.
func TestHookPointer(t *testing.T) {
	for _, withPrev := range []bool{true, false} {
		var got []string
		f := &fakeCallbacks{}
		if withPrev {
			f.pos = func(_ *glfw.Window, x, y float64) {
				if x != 3 || y != 4 {
					t.Errorf("move reached Fyne as %v,%v, want 3,4", x, y)
				}
				got = append(got, "fyne move")
			}
			f.button = func(_ *glfw.Window, b glfw.MouseButton, a glfw.Action, _ glfw.ModifierKey) {
				if b != glfw.MouseButtonRight || a != glfw.Press {
					t.Errorf("button reached Fyne as %v %v", b, a)
				}
				got = append(got, "fyne button")
			}
			f.scroll = func(_ *glfw.Window, _, dy float64) {
				if dy != -1 {
					t.Errorf("wheel reached Fyne as dy=%v, want -1", dy)
				}
				got = append(got, "fyne wheel")
			}
		}
		hookPointer(f, func() { got = append(got, "touch") })
		f.pos(nil, 3, 4)
		f.button(nil, glfw.MouseButtonRight, glfw.Press, 0)
		f.scroll(nil, 0, -1)
		want := []string{"touch", "fyne move", "touch", "fyne button", "touch", "fyne wheel"}
		if !withPrev {
			want = []string{"touch", "touch", "touch"}
		}
		if len(got) != len(want) {
			t.Fatalf("withPrev=%v: events %q, want %q", withPrev, got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("withPrev=%v: events %q, want %q", withPrev, got, want)
			}
		}
	}
}
