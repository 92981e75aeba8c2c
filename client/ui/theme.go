package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// Theme choices stored in the app preferences.
const (
	themeSystem = "system"
	themeLight  = "light"
	themeDark   = "dark"
)

// leafTheme is Fyne's default theme with a leaf-green accent and, unless it
// follows the system, a fixed light or dark variant.
type leafTheme struct {
	fyne.Theme
	force   bool
	variant fyne.ThemeVariant
}

func newLeafTheme(choice string) fyne.Theme {
	t := &leafTheme{Theme: theme.DefaultTheme()}
	switch choice {
	case themeLight:
		t.force, t.variant = true, theme.VariantLight
	case themeDark:
		t.force, t.variant = true, theme.VariantDark
	}
	return t
}

var (
	leafLight = color.NRGBA{R: 0x2e, G: 0x7d, B: 0x4f, A: 0xff}
	leafDark  = color.NRGBA{R: 0x5f, G: 0xc4, B: 0x8a, A: 0xff}
)

func (t *leafTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.force {
		v = t.variant
	}
	switch n {
	case theme.ColorNamePrimary, theme.ColorNameHyperlink:
		if v == theme.VariantDark {
			return leafDark
		}
		return leafLight
	case theme.ColorNameFocus:
		c := leafLight
		if v == theme.VariantDark {
			c = leafDark
		}
		c.A = 0x66
		return c
	case theme.ColorNameDisabled:
		// Fyne's disabled grey is also the colour of low-importance labels
		// (captions, snippets, times); the default is too faint to read.
		if v == theme.VariantDark {
			return color.NRGBA{R: 0x8c, G: 0x8c, B: 0x8c, A: 0xff}
		}
		return color.NRGBA{R: 0x7a, G: 0x7a, B: 0x7a, A: 0xff}
	case theme.ColorNameSelection:
		c := leafLight
		if v == theme.VariantDark {
			c = leafDark
		}
		c.A = 0x40
		return c
	}
	return t.Theme.Color(n, v)
}

// applyTheme switches the whole app to the chosen theme.
func applyTheme(a fyne.App, choice string) {
	a.Settings().SetTheme(newLeafTheme(choice))
}

// noScrollBarTheme is the app's current theme with invisible scroll bars.
// The title is one line that scrolls sideways to follow the cursor; a long
// title drew Fyne's scroll bar across its own text.
type noScrollBarTheme struct{ app fyne.App }

func (t noScrollBarTheme) base() fyne.Theme { return t.app.Settings().Theme() }

func (t noScrollBarTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	switch n {
	case theme.ColorNameScrollBar, theme.ColorNameScrollBarBackground:
		return color.Transparent
	}
	return t.base().Color(n, v)
}

func (t noScrollBarTheme) Font(s fyne.TextStyle) fyne.Resource     { return t.base().Font(s) }
func (t noScrollBarTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.base().Icon(n) }
func (t noScrollBarTheme) Size(n fyne.ThemeSizeName) float32       { return t.base().Size(n) }

// withoutScrollBars shows o in the app's theme without scroll bars.
func withoutScrollBars(a fyne.App, o fyne.CanvasObject) fyne.CanvasObject {
	return container.NewThemeOverride(o, noScrollBarTheme{a})
}
