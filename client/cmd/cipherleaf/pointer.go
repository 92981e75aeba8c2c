package main

import "github.com/go-gl/glfw/v3.3/glfw"

// pointerCallbacks is the part of a glfw window that hookPointer sets.
type pointerCallbacks interface {
	SetCursorPosCallback(glfw.CursorPosCallback) glfw.CursorPosCallback
	SetMouseButtonCallback(glfw.MouseButtonCallback) glfw.MouseButtonCallback
	SetScrollCallback(glfw.ScrollCallback) glfw.ScrollCallback
}

// hookPointer makes every pointer move, button press and wheel turn in the
// window call touch (auto-lock's activity), before Fyne's own handler,
// which still gets every event. Fyne hands the wheel over the editor's
// body to the editor's private scroller and tells no one, so auto-lock
// cannot hear it from inside the widget tree; glfw's callbacks see all of
// it. It runs on the main thread (glfw calls callbacks there too), so the
// previous callbacks are read before any event can arrive.
func hookPointer(w pointerCallbacks, touch func()) {
	var pos glfw.CursorPosCallback
	pos = w.SetCursorPosCallback(func(gw *glfw.Window, x, y float64) {
		touch()
		if pos != nil {
			pos(gw, x, y)
		}
	})
	var button glfw.MouseButtonCallback
	button = w.SetMouseButtonCallback(func(gw *glfw.Window, b glfw.MouseButton, a glfw.Action, m glfw.ModifierKey) {
		touch()
		if button != nil {
			button(gw, b, a, m)
		}
	})
	var scroll glfw.ScrollCallback
	scroll = w.SetScrollCallback(func(gw *glfw.Window, dx, dy float64) {
		touch()
		if scroll != nil {
			scroll(gw, dx, dy)
		}
	})
}
