package main

import (
	"fyne.io/fyne/v2"
	"github.com/go-gl/glfw/v3.3/glfw"
)

// glfwPlacer reads and sets the window's position on the screen, which
// Fyne's Window does not offer. Fyne's desktop window runs a function with
// its GL context current (RunWithContext); glfw then names the window
// that owns the context. Every call runs on the main thread: from the
// window's close handler, fyne.Do, or the app's start.
type glfwPlacer struct {
	win  fyne.Window
	want *[2]int // position to restore once the window exists
}

// withWindow runs f on the glfw window behind p.win; it reports false
// when there is none (not created yet, or another driver).
func (p *glfwPlacer) withWindow(f func(*glfw.Window)) bool {
	rc, ok := p.win.(interface{ RunWithContext(func()) })
	if !ok {
		return false
	}
	found := false
	rc.RunWithContext(func() {
		if gw := glfw.GetCurrentContext(); gw != nil {
			f(gw)
			found = true
		}
	})
	return found
}

// Position implements ui.WindowPlacer.
func (p *glfwPlacer) Position() (x, y int, ok bool) {
	ok = p.withWindow(func(gw *glfw.Window) { x, y = gw.GetPos() })
	return x, y, ok
}

// Move implements ui.WindowPlacer: the window goes to x, y when the app
// has started, and only if that spot is on a connected screen (a screen
// unplugged since would put the window out of reach).
func (p *glfwPlacer) Move(x, y int) { p.want = &[2]int{x, y} }

// restore applies Move; the app calls it once started.
func (p *glfwPlacer) restore() {
	if p.want == nil || !onScreen(p.want[0], p.want[1]) {
		return
	}
	x, y := p.want[0], p.want[1]
	p.withWindow(func(gw *glfw.Window) { gw.SetPos(x, y) })
}

// onScreen reports whether a window placed at x, y keeps its title bar
// on one of the connected screens.
func onScreen(x, y int) bool {
	for _, m := range glfw.GetMonitors() {
		mx, my, mw, mh := m.GetWorkarea()
		if x+50 >= mx && x+50 < mx+mw && y+10 >= my && y+10 < my+mh {
			return true
		}
	}
	return false
}
