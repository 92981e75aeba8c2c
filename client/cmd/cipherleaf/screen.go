package main

import (
	"fmt"
	"math"
	"strconv"

	"github.com/go-gl/glfw/v3.3/glfw"
)

// primaryScreen is the primary monitor's size in pixels, or zeros when
// the monitor does not say. It runs on the main thread (Fyne's driver
// locks it) before the app starts; Fyne's own glfw.Init later is a no-op.
// An error means there is no display to open a window on: Fyne would
// panic on it, so the app stops with these words instead.
func primaryScreen() (width, height, widthMM int, err error) {
	// glfw.Init logs a display it cannot open and returns nil; the next
	// call panics with NotInitialized. Both mean: no display.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("open the display (is DISPLAY or WAYLAND_DISPLAY set?): %v", r)
		}
	}()
	if err := glfw.Init(); err != nil {
		return 0, 0, 0, fmt.Errorf("open the display (is DISPLAY or WAYLAND_DISPLAY set?): %w", err)
	}
	m := glfw.GetPrimaryMonitor()
	if m == nil {
		return 0, 0, 0, nil
	}
	mode := m.GetVideoMode()
	if mode == nil {
		return 0, 0, 0, nil
	}
	widthMM, _ = m.GetPhysicalSize()
	return mode.Width, mode.Height, widthMM, nil
}

// fyneScale is the pixels per Fyne unit the window will get on that
// screen: Fyne's detected scale (from the DPI, baseline 120) times the
// user's FYNE_SCALE, rounded to a tenth as Fyne rounds it
// (fyne internal/driver/glfw/scale.go).
func fyneScale(widthPx, widthMM int, fyneScaleEnv string) float32 {
	detected := 1.0
	if widthMM > 0 {
		dpi := float64(widthPx) / (float64(widthMM) / 25.4)
		if dpi > 1000 || dpi < 10 {
			dpi = 120
		}
		detected = max(dpi/120, 1)
	}
	user := 1.0
	if s, err := strconv.ParseFloat(fyneScaleEnv, 32); err == nil && s > 0 {
		user = s
	}
	return float32(math.Round(detected*user*10) / 10)
}
