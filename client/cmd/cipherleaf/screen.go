package main

import (
	"math"
	"strconv"

	"github.com/go-gl/glfw/v3.3/glfw"
)

// primaryScreen is the primary monitor's size in pixels, or zeros when
// there is no screen to ask. It runs on the main thread (Fyne's driver
// locks it) before the app starts; Fyne's own glfw.Init later is a no-op.
func primaryScreen() (width, height, widthMM int) {
	if err := glfw.Init(); err != nil {
		return 0, 0, 0
	}
	m := glfw.GetPrimaryMonitor()
	if m == nil {
		return 0, 0, 0
	}
	mode := m.GetVideoMode()
	if mode == nil {
		return 0, 0, 0
	}
	widthMM, _ = m.GetPhysicalSize()
	return mode.Width, mode.Height, widthMM
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
