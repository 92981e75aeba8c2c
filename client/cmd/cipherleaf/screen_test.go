package main

import "testing"

func TestFyneScale(t *testing.T) {
	cases := []struct {
		px, mm int
		env    string
		want   float32
	}{
		{1920, 0, "", 1},         // no physical size (Xvfb)
		{1920, 510, "", 1},       // 96 dpi
		{1920, 510, "2", 2},      // FYNE_SCALE=2
		{3840, 600, "", 1.4},     // 163 dpi
		{3840, 600, "auto", 1.4}, // "auto" is no user scale
		{2560, 20, "", 1},        // nonsense size: baseline
		{1920, 510, "1.25", 1.3}, // rounded to a tenth like Fyne
	}
	for _, c := range cases {
		if got := fyneScale(c.px, c.mm, c.env); got != c.want {
			t.Errorf("fyneScale(%d, %d, %q) = %v, want %v", c.px, c.mm, c.env, got, c.want)
		}
	}
}
