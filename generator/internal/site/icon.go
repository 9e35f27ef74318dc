package site

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image/color"
	"image/png"
	"strings"
	"sync"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgimg"
)

// The site's icon is the shape the site is about: a double well, the
// graph of (x² − 1)², whose middle rises above the chord between its two
// minima. It is drawn once, in a square of iconSize units, as SVG for the
// browsers that take it and as PNG for those that do not (an .ico for
// old browsers and crawlers that ask for /favicon.ico, the Apple touch
// icon that iOS asks for by name).

const iconSize = 32

var (
	iconPaper = color.NRGBA{0x0b, 0x5f, 0xa5, 0xff} // the page's accent
	iconInk   = color.NRGBA{0xff, 0xff, 0xff, 0xff}
	iconChord = color.NRGBA{0xff, 0xc8, 0x57, 0xff}
)

// iconCurve returns the double well as a polyline in icon units, y down.
func iconCurve() [][2]float64 {
	const n = 40
	top := (iconHalf*iconHalf - 1) * (iconHalf*iconHalf - 1)
	var pts [][2]float64
	for i := range n + 1 {
		x := -iconHalf + 2*iconHalf*float64(i)/n
		y := (x*x - 1) * (x*x - 1)
		pts = append(pts, [2]float64{16 + x*11/iconHalf, iconBase - y*13/top})
	}
	return pts
}

// iconChordEnds are the ends of the chord between the minima, y down.
func iconChordEnds() (x0, x1, y float64) {
	return 16 - 11/iconHalf, 16 + 11/iconHalf, iconBase
}

const (
	iconHalf = 1.5 // the curve's x range is [−iconHalf, iconHalf]
	iconBase = 23  // the height of the minima
)

// iconSVG is the icon as an SVG file.
func iconSVG() []byte {
	var pts []string
	for _, p := range iconCurve() {
		pts = append(pts, fmt.Sprintf("%.2f %.2f", p[0], p[1]))
	}
	x0, x1, y := iconChordEnds()
	return []byte(fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d">`+
		`<rect width="%d" height="%d" rx="7" fill="%s"/>`+
		`<path d="M%.2f %.2fH%.2f" stroke="%s" stroke-width="2" stroke-linecap="round"/>`+
		`<path d="M%s" fill="none" stroke="%s" stroke-width="3" stroke-linecap="round" stroke-linejoin="round"/>`+
		"</svg>\n",
		iconSize, iconSize, iconSize, iconSize, hexColor(iconPaper), x0, y, x1, hexColor(iconChord), strings.Join(pts, "L"), hexColor(iconInk)))
}

func hexColor(c color.NRGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

// iconPNG draws the icon as a PNG of size × size pixels.
func iconPNG(size int) []byte {
	// At 72 dots per inch a point is a pixel.
	c := vgimg.NewWith(vgimg.UseWH(vg.Length(size), vg.Length(size)), vgimg.UseDPI(72), vgimg.UseBackgroundColor(color.Transparent))
	s := vg.Length(size) / iconSize
	// vg's y axis points up; the icon's units point down.
	at := func(x, y float64) vg.Point { return vg.Point{X: vg.Length(x) * s, Y: (iconSize - vg.Length(y)) * s} }

	var bg vg.Path
	const r = 7
	bg.Move(at(r, 0))
	bg.Line(at(iconSize-r, 0))
	bg.QuadTo(at(iconSize, 0), at(iconSize, r))
	bg.Line(at(iconSize, iconSize-r))
	bg.QuadTo(at(iconSize, iconSize), at(iconSize-r, iconSize))
	bg.Line(at(r, iconSize))
	bg.QuadTo(at(0, iconSize), at(0, iconSize-r))
	bg.Line(at(0, r))
	bg.QuadTo(at(0, 0), at(r, 0))
	bg.Close()
	c.SetColor(iconPaper)
	c.Fill(bg)

	c.SetColor(iconChord)
	c.SetLineWidth(2 * s)
	x0, x1, y := iconChordEnds()
	var chord vg.Path
	chord.Move(at(x0, y))
	chord.Line(at(x1, y))
	c.Stroke(chord)

	var curve vg.Path
	for i, p := range iconCurve() {
		if i == 0 {
			curve.Move(at(p[0], p[1]))
		} else {
			curve.Line(at(p[0], p[1]))
		}
	}
	c.SetColor(iconInk)
	c.SetLineWidth(3 * s)
	c.Stroke(curve)

	var b bytes.Buffer
	if err := png.Encode(&b, c.Image()); err != nil {
		panic(err) // encoding into memory cannot fail
	}
	return b.Bytes()
}

// The icons are the same for every site and every build: each is drawn
// once, when first needed, not on every rebuild in the dev server.
var (
	favicon   = sync.OnceValue(iconICO)
	touchIcon = sync.OnceValue(func() []byte { return iconPNG(180) })
)

// iconICO is the icon as a Windows icon file holding PNGs of the sizes
// browsers ask for.
func iconICO() []byte {
	sizes := []int{16, 32, 48}
	var images [][]byte
	for _, s := range sizes {
		images = append(images, iconPNG(s))
	}
	var b bytes.Buffer
	le := binary.LittleEndian
	b.Write(le.AppendUint16(nil, 0)) // reserved
	b.Write(le.AppendUint16(nil, 1)) // an icon
	b.Write(le.AppendUint16(nil, uint16(len(sizes))))
	offset := 6 + 16*len(sizes)
	for i, s := range sizes {
		b.Write([]byte{byte(s), byte(s), 0, 0})
		b.Write(le.AppendUint16(nil, 1))  // colour planes
		b.Write(le.AppendUint16(nil, 32)) // bits per pixel
		b.Write(le.AppendUint32(nil, uint32(len(images[i]))))
		b.Write(le.AppendUint32(nil, uint32(offset)))
		offset += len(images[i])
	}
	for _, img := range images {
		b.Write(img)
	}
	return b.Bytes()
}
