package lab

import (
	"image/color"
	"math"
)

// This file holds the colour arithmetic of the house style: CIELAB
// lightness, so that a colour can be lightened or darkened without
// changing its hue (the dark scheme's variants of the palettes), and the
// WCAG contrast ratio that decides whether a mark stands out from the
// paper it is drawn on.

// lab is a colour in CIELAB under the D65 white point.
type lab struct{ L, A, B float64 }

// toLab converts an sRGB colour to CIELAB.
func toLab(c color.Color) lab {
	r, g, b := linearRGB(c)
	x := (0.4124564*r + 0.3575761*g + 0.1804375*b) / 0.95047
	y := 0.2126729*r + 0.7151522*g + 0.0721750*b
	z := (0.0193339*r + 0.1191920*g + 0.9503041*b) / 1.08883
	fx, fy, fz := labF(x), labF(y), labF(z)
	return lab{L: 116*fy - 16, A: 500 * (fx - fy), B: 200 * (fy - fz)}
}

// sRGB converts a CIELAB colour back to sRGB, bringing colours outside
// the sRGB gamut inside by reducing their chroma (keeping lightness and
// hue), so that a lightness change never turns into a hue change.
func (c lab) sRGB() color.NRGBA {
	if rgb, ok := c.rgb(); ok {
		return rgb
	}
	lo, hi := 0.0, 1.0
	for range 30 {
		mid := (lo + hi) / 2
		if _, ok := (lab{c.L, c.A * mid, c.B * mid}).rgb(); ok {
			lo = mid
		} else {
			hi = mid
		}
	}
	rgb, _ := (lab{c.L, c.A * lo, c.B * lo}).rgb()
	return rgb
}

// rgb converts c to sRGB and says whether it lies inside the gamut.
func (c lab) rgb() (color.NRGBA, bool) {
	fy := (c.L + 16) / 116
	fx, fz := fy+c.A/500, fy-c.B/200
	x, y, z := 0.95047*labFInv(fx), labFInv(fy), 1.08883*labFInv(fz)
	lin := [3]float64{
		3.2404542*x - 1.5371385*y - 0.4985314*z,
		-0.9692660*x + 1.8760108*y + 0.0415560*z,
		0.0556434*x - 0.2040259*y + 1.0572252*z,
	}
	var out [3]uint8
	ok := true
	for i, v := range lin {
		if v < -1e-4 || v > 1+1e-4 {
			ok = false
		}
		out[i] = uint8(math.Round(255 * encodeSRGB(math.Min(1, math.Max(0, v)))))
	}
	return color.NRGBA{out[0], out[1], out[2], 0xff}, ok
}

func labF(t float64) float64 {
	if t > 216.0/24389 {
		return math.Cbrt(t)
	}
	return (24389.0/27*t + 16) / 116
}

func labFInv(f float64) float64 {
	if f*f*f > 216.0/24389 {
		return f * f * f
	}
	return (116*f - 16) * 27 / 24389
}

// linearRGB returns c's channels as linear light in [0, 1].
func linearRGB(c color.Color) (r, g, b float64) {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	return decodeSRGB(float64(n.R) / 255), decodeSRGB(float64(n.G) / 255), decodeSRGB(float64(n.B) / 255)
}

func decodeSRGB(v float64) float64 {
	if v <= 0.04045 {
		return v / 12.92
	}
	return math.Pow((v+0.055)/1.055, 2.4)
}

func encodeSRGB(v float64) float64 {
	if v <= 0.0031308 {
		return 12.92 * v
	}
	return 1.055*math.Pow(v, 1/2.4) - 0.055
}

// luminance is the WCAG relative luminance of c.
func luminance(c color.Color) float64 {
	r, g, b := linearRGB(c)
	return 0.2126*r + 0.7152*g + 0.0722*b
}

// Contrast returns the WCAG contrast ratio of two colours, from 1 (none)
// to 21 (black on white). Marks that carry meaning need at least 3
// against the paper they are drawn on, text 4.5.
func Contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// mix returns the colour a fraction t of the way from a to b, mixed in
// CIELAB so that the steps look even.
func mix(a, b color.Color, t float64) color.NRGBA {
	p, q := toLab(a), toLab(b)
	return lab{p.L + t*(q.L-p.L), p.A + t*(q.A-p.A), p.B + t*(q.B-p.B)}.sRGB()
}
