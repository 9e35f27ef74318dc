package lab

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"slices"
	"strconv"
	"strings"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
)

// svgCanvas is the vg.Canvas the house style draws its figures on. It
// writes compact SVG with the page's fonts named but not embedded, and
// marks every house colour with a class, so that a style sheet inside the
// SVG can recolour the figure for readers who prefer a dark scheme. The
// light colours are presentation attributes, so the figure looks right in
// any SVG viewer; the dark ones are rules of the style sheet, which
// browsers apply to an SVG even when a page shows it through <img>.
//
// Coordinates come from gonum with the origin at the bottom left; the
// canvas applies its transformation itself and writes SVG's top-left
// coordinates, so the document has no groups but the ones it is asked for.
type svgCanvas struct {
	w, h   vg.Length
	body   bytes.Buffer
	stack  []svgState
	used   map[string]bool // classes written, so the style sheet names only those
	groups int             // groups opened by begin and not yet closed
	// onMap is set while marks are drawn over a heat map. They keep their
	// colours in the dark scheme, as the map keeps its lightness.
	onMap bool
	// inData is set while a plot's data is drawn, in a group of class
	// "data" (see grid).
	inData bool
}

type svgState struct {
	color  color.Color
	width  vg.Length
	dashes []vg.Length
	offset vg.Length
	m      affine
}

func newSVG(w, h vg.Length) *svgCanvas {
	c := &svgCanvas{w: w, h: h, used: make(map[string]bool)}
	c.stack = []svgState{{color: color.Black, width: 1, m: identity}}
	return c
}

func (c *svgCanvas) state() *svgState { return &c.stack[len(c.stack)-1] }

// Size implements vg.CanvasSizer.
func (c *svgCanvas) Size() (w, h vg.Length) { return c.w, c.h }

func (c *svgCanvas) SetLineWidth(w vg.Length) { c.state().width = w }
func (c *svgCanvas) SetLineDash(d []vg.Length, o vg.Length) {
	c.state().dashes, c.state().offset = slices.Clone(d), o
}
func (c *svgCanvas) SetColor(col color.Color) {
	if col == nil {
		col = color.Black
	}
	c.state().color = col
}
func (c *svgCanvas) Rotate(a float64)     { c.state().m = c.state().m.mul(rotation(a)) }
func (c *svgCanvas) Translate(p vg.Point) { c.state().m = c.state().m.mul(translation(p)) }
func (c *svgCanvas) Scale(x, y float64)   { c.state().m = c.state().m.mul(scaling(x, y)) }
func (c *svgCanvas) Push()                { c.stack = append(c.stack, *c.state()) }
func (c *svgCanvas) Pop()                 { c.stack = c.stack[:len(c.stack)-1] }
func (c *svgCanvas) point(p vg.Point) (x, y float64) {
	x, y = c.state().m.apply(p)
	return x, c.h.Points() - y
}

// Stroke implements vg.Canvas.
func (c *svgCanvas) Stroke(p vg.Path) {
	st := c.state()
	if st.width <= 0 || len(p) == 0 {
		return
	}
	fmt.Fprintf(&c.body, `<path d="%s" fill="none"%s stroke-width="%s"`, c.pathData(simplify(p, st.m)), c.paint("stroke", st.color), num(st.width.Points()*st.m.scale()))
	if len(st.dashes) > 0 {
		ds := make([]string, len(st.dashes))
		for i, d := range st.dashes {
			ds[i] = num(d.Points() * st.m.scale())
		}
		fmt.Fprintf(&c.body, ` stroke-dasharray="%s"`, strings.Join(ds, ","))
		if st.offset != 0 {
			fmt.Fprintf(&c.body, ` stroke-dashoffset="%s"`, num(st.offset.Points()*st.m.scale()))
		}
	}
	c.body.WriteString("/>\n")
}

// Fill implements vg.Canvas.
func (c *svgCanvas) Fill(p vg.Path) {
	if len(p) == 0 {
		return
	}
	fmt.Fprintf(&c.body, `<path d="%s"%s/>`+"\n", c.pathData(p), c.paint("fill", c.state().color))
}

// paint returns the attributes that colour a stroke or fill: the colour,
// its opacity, and the class of its role in the house style, if any.
func (c *svgCanvas) paint(prop string, col color.Color) string {
	n := color.NRGBAModel.Convert(col).(color.NRGBA)
	s := fmt.Sprintf(` %s="%s"`, prop, hexColor(n))
	if n.A != 0xff {
		s += fmt.Sprintf(` %s-opacity="%s"`, prop, num(float64(n.A)/255))
	}
	if r, ok := roleOf(n); ok && !c.onMap {
		class := prop[:1] + "-" + r.name
		c.used[class] = true
		s += ` class="` + class + `"`
	}
	return s
}

// FillString implements vg.Canvas.
func (c *svgCanvas) FillString(f font.Face, pt vg.Point, str string) {
	st := c.state()
	x, y := c.point(pt)
	fmt.Fprintf(&c.body, `<text x="%s" y="%s"`, num(x), num(y))
	if a := st.m.angle(); a != 0 {
		fmt.Fprintf(&c.body, ` transform="rotate(%s %s %s)"`, num(-a*180/math.Pi), num(x), num(y))
	}
	if fam := fontFamily(f.Font); fam != "" {
		fmt.Fprintf(&c.body, ` font-family="%s"`, fam)
	}
	if size := f.Font.Size.Points() * st.m.scale(); size != houseTextSize {
		fmt.Fprintf(&c.body, ` font-size="%s"`, num(size))
	}
	if f.Font.Style == xfont.StyleItalic || f.Font.Style == xfont.StyleOblique {
		c.body.WriteString(` font-style="italic"`)
	}
	if f.Font.Weight >= xfont.WeightSemiBold {
		c.body.WriteString(` font-weight="bold"`)
	}
	if n := color.NRGBAModel.Convert(st.color).(color.NRGBA); n != black || c.onMap {
		c.body.WriteString(c.paint("fill", n))
	}
	fmt.Fprintf(&c.body, ">%s</text>\n", textEscaper.Replace(str))
}

// DrawImage implements vg.Canvas. The image stretches to fill rect.
func (c *svgCanvas) DrawImage(rect vg.Rectangle, img image.Image) {
	c.image(rect, img, "")
}

// images draws light where the reader prefers a light scheme and dark
// where they prefer a dark one.
func (c *svgCanvas) images(rect vg.Rectangle, light, dark image.Image) {
	c.image(rect, light, "light")
	c.image(rect, dark, "dark")
}

func (c *svgCanvas) image(rect vg.Rectangle, img image.Image, class string) {
	var buf bytes.Buffer
	var enc png.Encoder
	if err := enc.Encode(&buf, img); err != nil {
		panic(fmt.Sprintf("lab: encoding an image: %v", err)) // only a broken image.Image fails
	}
	x0, y0 := c.point(vg.Point{X: rect.Min.X, Y: rect.Max.Y})
	x1, y1 := c.point(vg.Point{X: rect.Max.X, Y: rect.Min.Y})
	fmt.Fprintf(&c.body, `<image x="%s" y="%s" width="%s" height="%s" preserveAspectRatio="none"`,
		num(math.Min(x0, x1)), num(math.Min(y0, y1)), num(math.Abs(x1-x0)), num(math.Abs(y1-y0)))
	if class != "" {
		c.used[class] = true
		fmt.Fprintf(&c.body, ` class="%s"`, class)
	}
	fmt.Fprintf(&c.body, ` xlink:href="data:image/png;base64,%s"/>`+"\n", base64.StdEncoding.EncodeToString(buf.Bytes()))
}

// begin opens a group of the given class, such as "legend"; end closes it.
func (c *svgCanvas) begin(class string) {
	fmt.Fprintf(&c.body, "<g class=%q>\n", class)
	c.groups++
}

func (c *svgCanvas) end() {
	c.body.WriteString("</g>\n")
	c.groups--
}

// pathData writes p in SVG's path syntax.
func (c *svgCanvas) pathData(p vg.Path) string {
	var b strings.Builder
	m := c.state().m
	var cur vg.Point
	started := false
	to := func(cmd byte, pt vg.Point) {
		x, y := c.point(pt)
		b.WriteByte(cmd)
		b.WriteString(num(x))
		b.WriteByte(' ')
		b.WriteString(num(y))
		cur, started = pt, true
	}
	for _, comp := range p {
		switch comp.Type {
		case vg.MoveComp:
			to('M', comp.Pos)
		case vg.LineComp:
			to('L', comp.Pos)
		case vg.ArcComp:
			start := arcPoint(comp, comp.Start)
			switch {
			case !started:
				to('M', start)
			case start != cur:
				to('L', start)
			}
			if !m.similar() {
				// An ellipse drawn under a stretch: approximate it.
				n := int(math.Ceil(math.Abs(comp.Angle) / (math.Pi / 32)))
				for i := 1; i <= n; i++ {
					to('L', arcPoint(comp, comp.Start+comp.Angle*float64(i)/float64(n)))
				}
				continue
			}
			// SVG cannot draw a whole circle as one arc: split every arc in
			// halves, which also keeps each under a full turn.
			r := num(comp.Radius.Points() * m.scale())
			// Counter-clockwise in gonum's y-up space is clockwise in SVG's
			// y-down space, SVG's sweep flag 0.
			sweep := 1
			if (comp.Angle > 0) != (m.det() < 0) {
				sweep = 0
			}
			for _, f := range []float64{0.5, 1} {
				end := arcPoint(comp, comp.Start+comp.Angle*f)
				x, y := c.point(end)
				large := 0
				if math.Abs(comp.Angle*0.5) > math.Pi {
					large = 1
				}
				fmt.Fprintf(&b, "A%s %s 0 %d %d %s %s", r, r, large, sweep, num(x), num(y))
				cur = end
			}
		case vg.CurveComp:
			b.WriteByte("QC"[len(comp.Control)-1])
			for _, ctl := range comp.Control {
				x, y := c.point(ctl)
				fmt.Fprintf(&b, "%s %s ", num(x), num(y))
			}
			x, y := c.point(comp.Pos)
			fmt.Fprintf(&b, "%s %s", num(x), num(y))
			cur = comp.Pos
		case vg.CloseComp:
			b.WriteByte('Z')
		}
	}
	return b.String()
}

// simplify drops the points of a stroked polyline that lie within a
// twentieth of a point of the line through their neighbours
// (Ramer–Douglas–Peucker): invisible at any size, and it keeps curves
// sampled finely, such as contour lines, from filling the file. Paths
// with arcs or curves are left as they are.
func simplify(p vg.Path, m affine) vg.Path {
	const tolerance = 0.05 // points
	for _, c := range p {
		if c.Type != vg.MoveComp && c.Type != vg.LineComp {
			return p
		}
	}
	tol := tolerance / math.Max(m.scale(), 1e-9)
	var out vg.Path
	for start := 0; start < len(p); {
		end := start + 1
		for end < len(p) && p[end].Type == vg.LineComp {
			end++
		}
		keep := make([]bool, end-start)
		keep[0], keep[len(keep)-1] = true, true
		rdp(p[start:end], keep, 0, end-start-1, tol)
		for i, k := range keep {
			if k {
				out = append(out, p[start+i])
			}
		}
		start = end
	}
	return out
}

// rdp marks in keep the points of p[i:j+1] to keep.
func rdp(p vg.Path, keep []bool, i, j int, tol float64) {
	if j <= i+1 {
		return
	}
	a, b := p[i].Pos, p[j].Pos
	dx, dy := float64(b.X-a.X), float64(b.Y-a.Y)
	worst, at := -1.0, -1
	for k := i + 1; k < j; k++ {
		// The distance to the segment, not to its line: a line that
		// doubles back beyond an end must keep its turning point.
		px, py := float64(p[k].Pos.X-a.X), float64(p[k].Pos.Y-a.Y)
		t := 0.0
		if l := dx*dx + dy*dy; l > 0 {
			t = math.Max(0, math.Min(1, (px*dx+py*dy)/l))
		}
		if d := math.Hypot(px-t*dx, py-t*dy); d > worst {
			worst, at = d, k
		}
	}
	if worst > tol {
		keep[at] = true
		rdp(p, keep, i, at, tol)
		rdp(p, keep, at, j, tol)
	}
}

func arcPoint(comp vg.PathComp, angle float64) vg.Point {
	s, c := math.Sincos(angle)
	return vg.Point{X: comp.Pos.X + comp.Radius*vg.Length(c), Y: comp.Pos.Y + comp.Radius*vg.Length(s)}
}

// WriteTo writes the finished document. Its size is given in CSS pixels
// (a point is 4/3 of a pixel), so a page lays it out as a reader's
// browser would print it; its coordinates stay in points.
func (c *svgCanvas) bytes() []byte {
	for c.groups > 0 {
		c.end()
	}
	var b bytes.Buffer
	w, h := c.w.Points(), c.h.Points()
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="%s" height="%s" viewBox="0 0 %s %s" font-family="%s" font-size="%s">`+"\n",
		num(math.Round(w*4/3)), num(math.Round(h*4/3)), num(w), num(h), attrEscaper.Replace(SansFamily), num(houseTextSize))
	b.WriteString(c.styleSheet())
	b.Write(c.body.Bytes())
	b.WriteString("</svg>\n")
	return b.Bytes()
}

// styleSheet returns the rules that give the figure its dark scheme, for
// the classes the figure uses.
func (c *svgCanvas) styleSheet() string {
	var dark strings.Builder
	dark.WriteString("text:not([fill]){fill:" + hexColor(darkInk) + "}")
	for _, r := range roles {
		for _, prop := range []string{"fill", "stroke"} {
			if class := prop[:1] + "-" + r.name; c.used[class] {
				fmt.Fprintf(&dark, ".%s{%s:%s}", class, prop, hexColor(r.dark))
			}
		}
	}
	var light string
	if c.used["dark"] {
		light = ".dark{display:none}"
		dark.WriteString(".light{display:none}.dark{display:inline}")
	}
	// Screens only: printed, a figure is ink on paper.
	return "<style>" + light + "@media screen and (prefers-color-scheme:dark){" + dark.String() + "}</style>\n"
}

// fontFamily returns the font-family attribute of a font other than the
// house sans-serif, or "".
func fontFamily(f font.Font) string {
	switch f.Variant {
	case "Serif":
		return attrEscaper.Replace(serifFamily)
	case "Mono":
		return attrEscaper.Replace(monoFamily)
	}
	return ""
}

// The escapes of text and of attribute values: XML needs no more.
var (
	textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	attrEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
)

func hexColor(c color.NRGBA) string { return fmt.Sprintf("#%02X%02X%02X", c.R, c.G, c.B) }

// num writes a coordinate to a hundredth of a point, which is finer than
// any screen and keeps the file small.
func num(v float64) string {
	s := strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
	if s == "-0" {
		return "0"
	}
	return s
}

// affine is a 2-D affine map: (x, y) ↦ (a x + c y + e, b x + d y + f).
type affine struct{ a, b, c, d, e, f float64 }

var identity = affine{a: 1, d: 1}

func translation(p vg.Point) affine { return affine{a: 1, d: 1, e: p.X.Points(), f: p.Y.Points()} }
func scaling(x, y float64) affine   { return affine{a: x, d: y} }
func rotation(t float64) affine {
	s, c := math.Sincos(t)
	return affine{a: c, b: s, c: -s, d: c}
}

// mul returns the map that applies n, then m.
func (m affine) mul(n affine) affine {
	return affine{
		a: m.a*n.a + m.c*n.b, b: m.b*n.a + m.d*n.b,
		c: m.a*n.c + m.c*n.d, d: m.b*n.c + m.d*n.d,
		e: m.a*n.e + m.c*n.f + m.e, f: m.b*n.e + m.d*n.f + m.f,
	}
}

func (m affine) apply(p vg.Point) (x, y float64) {
	px, py := p.X.Points(), p.Y.Points()
	return m.a*px + m.c*py + m.e, m.b*px + m.d*py + m.f
}

func (m affine) det() float64 { return m.a*m.d - m.b*m.c }

// scale is the factor by which m stretches lengths (exact for a
// similarity, an average otherwise).
func (m affine) scale() float64 { return math.Sqrt(math.Abs(m.det())) }

// angle is the angle by which m turns the x axis.
func (m affine) angle() float64 {
	a := math.Atan2(m.b, m.a)
	if math.Abs(a) < 1e-12 {
		return 0
	}
	return a
}

// similar reports whether m keeps circles circles.
func (m affine) similar() bool {
	const eps = 1e-9
	return math.Abs(m.a*m.a+m.b*m.b-(m.c*m.c+m.d*m.d)) < eps && math.Abs(m.a*m.c+m.b*m.d) < eps
}
