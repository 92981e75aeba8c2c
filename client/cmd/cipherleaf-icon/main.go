// Command cipherleaf-icon draws the Cipherleaf app icon: a white leaf with a
// keyhole on a rounded green square, 512×512, anti-aliased by supersampling.
//
//	go run ./cmd/cipherleaf-icon -o ../assets/icon.png
package main

import (
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"os"
)

const (
	size = 512
	ss   = 4 // samples per pixel along each axis
)

func main() {
	out := flag.String("o", "icon.png", "output `file`")
	flag.Parse()
	if err := write(*out); err != nil {
		fmt.Fprintln(os.Stderr, "cipherleaf-icon:", err)
		os.Exit(1)
	}
}

func write(path string) error {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	draw.Draw(img, img.Bounds(), image.Transparent, image.Point{}, draw.Src)
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			var r, g, b, a float64
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					px := float64(x) + (float64(sx)+0.5)/ss
					py := float64(y) + (float64(sy)+0.5)/ss
					c, ok := sample(px, py)
					if !ok {
						continue
					}
					r += float64(c.R)
					g += float64(c.G)
					b += float64(c.B)
					a += 255
				}
			}
			n := float64(ss * ss)
			if a == 0 {
				continue
			}
			cov := a / 255 // covered samples
			img.SetNRGBA(x, y, color.NRGBA{
				R: uint8(r / cov), G: uint8(g / cov), B: uint8(b / cov), A: uint8(a / n),
			})
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

var (
	white = color.NRGBA{0xfb, 0xfd, 0xf8, 0xff}
	top   = color.NRGBA{0x3f, 0xa8, 0x6b, 0xff}
	down  = color.NRGBA{0x1c, 0x5e, 0x3b, 0xff}
)

// sample is the colour at a point, and whether the point is on the icon.
func sample(x, y float64) (color.NRGBA, bool) {
	if !inRoundedSquare(x, y, 16, 16, size-32, 104) {
		return color.NRGBA{}, false
	}
	bg := mix(top, down, (x+y)/(2*size))
	if inLeaf(x, y) && !inKeyhole(x, y) {
		return white, true
	}
	return bg, true
}

func mix(a, b color.NRGBA, t float64) color.NRGBA {
	t = math.Max(0, math.Min(1, t))
	l := func(p, q uint8) uint8 { return uint8(float64(p)*(1-t) + float64(q)*t) }
	return color.NRGBA{l(a.R, b.R), l(a.G, b.G), l(a.B, b.B), 0xff}
}

func inRoundedSquare(x, y, x0, y0, w, r float64) bool {
	if x < x0 || y < y0 || x > x0+w || y > y0+w {
		return false
	}
	cx := math.Max(x0+r, math.Min(x, x0+w-r))
	cy := math.Max(y0+r, math.Min(y, y0+w-r))
	return (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r
}

// inLeaf: a lens (two intersecting circles) 360 long and 216 wide, tilted
// 45°, with a short stem at its lower left.
func inLeaf(x, y float64) bool {
	const cx, cy = 262, 250
	// Rotate into the leaf's frame: its long axis along v.
	dx, dy := x-cx, y-cy
	s := math.Sqrt2 / 2
	u := dx*s + dy*s
	v := -dx*s + dy*s
	const half, halfW = 180.0, 108.0
	d := (half*half - halfW*halfW) / (2 * halfW)
	r := d + halfW
	lens := (u-d)*(u-d)+v*v <= r*r && (u+d)*(u+d)+v*v <= r*r
	// Stem: a thick short segment continuing the axis beyond the tip.
	stem := math.Abs(u) <= 9 && v > half-20 && v < half+44
	return lens || stem
}

// inKeyhole: a circle over a tapering slot, upright at the leaf's centre.
func inKeyhole(x, y float64) bool {
	const kx, ky = 256, 236
	if (x-kx)*(x-kx)+(y-ky)*(y-ky) <= 38*38 {
		return true
	}
	if y < ky || y > ky+92 {
		return false
	}
	t := (y - ky) / 92
	half := 15 + 11*t
	return math.Abs(x-kx) <= half
}
