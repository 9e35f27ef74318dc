package lab

import (
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// The colour bar's measures, in points: the gap between the data area and
// the bar, the bar's width, and the length of its ticks.
const (
	barGap   = 10
	barWidth = 10
	barTick  = 3
)

// barStyle is the style of the colour bar's text.
func barStyle() text.Style {
	return text.Style{Font: Font(houseTextSize), Handler: plot.DefaultTextHandler, Color: black}
}

// barTicks returns the values the colour bar labels: the heat map's own
// ticks, or its contour levels, or evenly spaced values.
func barTicks(h *HeatMap) []plot.Tick {
	var ts []plot.Tick
	switch {
	case h.Ticks != nil:
		ts = Ticks{h.Ticks}.Ticks(h.Min, h.Max)
	case len(h.Levels) > 0:
		for i, l := range levelLabels(h.Levels) {
			ts = append(ts, plot.Tick{Value: h.Levels[i], Label: Typeset(l)})
		}
	default:
		ts = Ticks{plot.DefaultTicks{}}.Ticks(h.Min, h.Max)
	}
	var in []plot.Tick
	for _, t := range ts {
		if t.Label != "" && t.Value >= h.Min && t.Value <= h.Max {
			in = append(in, t)
		}
	}
	return in
}

// levelLabels writes contour levels as briefly as is exact, and to three
// significant digits at most unless more are needed to tell two apart:
// 0.0625, 0.25 and 0.213, not 0.2128690285295237.
func levelLabels(vs []float64) []string {
	labels := make([]string, len(vs))
	for extra := 0; extra <= 3; extra++ {
		seen := make(map[string]bool)
		distinct := true
		for i, v := range vs {
			labels[i] = strconv.FormatFloat(v, 'g', 3+extra, 64)
			for p := 1; p < 3+extra; p++ {
				if s := strconv.FormatFloat(v, 'g', p, 64); s == strconv.FormatFloat(v, 'g', -1, 64) {
					labels[i] = s
					break
				}
			}
			if seen[labels[i]] {
				distinct = false
			}
			seen[labels[i]] = true
		}
		if distinct {
			break
		}
	}
	return labels
}

// colorBarWidth returns the width of the band right of the data area that
// h's colour bar takes, with its labels.
func colorBarWidth(h *HeatMap) vg.Length {
	sty := barStyle()
	var labels vg.Length
	for _, t := range barTicks(h) {
		labels = max(labels, sty.Width(t.Label))
	}
	w := barGap + barWidth + barTick + 3 + labels
	if h.Label != "" {
		w += 6 + sty.Height(h.Label)
	}
	return w
}

// drawColorBar draws h's colour bar in band, as tall as the data area:
// the colours from Min at the bottom to Max at the top, a line across the
// bar at each contour level (in the contour lines' colour, so each line
// of the map can be matched to its value), and the labelled ticks.
func drawColorBar(c vg.Canvas, band, data vg.Rectangle, h *HeatMap) {
	x0 := band.Min.X + barGap
	bar := vg.Rectangle{Min: vg.Point{X: x0, Y: data.Min.Y}, Max: vg.Point{X: x0 + barWidth, Y: data.Max.Y}}
	li, di := h.images(1, lutSize, func(_, row int) int { return lutSize - 1 - row })
	drawImages(c, bar, li, di)

	dc := draw.Canvas{Canvas: c, Rectangle: band}
	y := func(v float64) vg.Length { return bar.Min.Y + vg.Length(h.norm(v))*(bar.Max.Y-bar.Min.Y) }
	level := draw.LineStyle{Color: contourColor, Width: vg.Points(1.25)}
	for _, v := range h.Levels {
		if v >= h.Min && v <= h.Max {
			dc.StrokeLine2(level, bar.Min.X, y(v), bar.Max.X, y(v))
		}
	}
	tick := draw.LineStyle{Color: black, Width: vg.Points(0.5)}
	sty := barStyle()
	sty.YAlign = draw.YCenter
	last := vg.Length(math.Inf(-1))
	var labels vg.Length
	for _, t := range barTicks(h) {
		at := y(t.Value)
		dc.StrokeLine2(tick, bar.Max.X, at, bar.Max.X+barTick, at)
		// Labels too close to the one below are left out; the tick stays.
		if at-last < sty.Height(t.Label) {
			continue
		}
		dc.FillText(sty, vg.Point{X: bar.Max.X + barTick + 3, Y: at}, t.Label)
		labels = max(labels, sty.Width(t.Label))
		last = at
	}
	if h.Label != "" {
		// Read upwards, like the y axis's label, right of the tick labels.
		ls := barStyle()
		ls.Rotation = math.Pi / 2
		ls.XAlign = draw.XCenter
		ls.YAlign = draw.YTop
		x := bar.Max.X + barTick + 3 + labels + 6
		dc.FillText(ls, vg.Point{X: x, Y: (bar.Min.Y + bar.Max.Y) / 2}, h.Label)
	}
}

// sharedBarHeight returns the height of the band under a figure that
// holds one colour bar for all its heat maps.
func sharedBarHeight(h *HeatMap) vg.Length {
	sty := barStyle()
	height := 2 + barWidth + barTick + 2 + sty.Height("0")
	if h.Label != "" {
		height += 2 + sty.Height(h.Label)
	}
	return height + margin
}

// drawSharedBar draws h's colour bar across [x0, x1] at the top of band:
// the colours from Min at the left to Max at the right, the contour
// levels, the ticks below with their labels, and the label under them.
func drawSharedBar(c vg.Canvas, band vg.Rectangle, x0, x1 vg.Length, h *HeatMap) {
	top := band.Max.Y - 2
	bar := vg.Rectangle{Min: vg.Point{X: x0, Y: top - barWidth}, Max: vg.Point{X: x1, Y: top}}
	li, di := h.images(lutSize, 1, func(col, _ int) int { return col })
	drawImages(c, bar, li, di)

	dc := draw.Canvas{Canvas: c, Rectangle: band}
	x := func(v float64) vg.Length { return x0 + vg.Length(h.norm(v))*(x1-x0) }
	level := draw.LineStyle{Color: contourColor, Width: vg.Points(1.25)}
	for _, v := range h.Levels {
		if v >= h.Min && v <= h.Max {
			dc.StrokeLine2(level, x(v), bar.Min.Y, x(v), bar.Max.Y)
		}
	}
	tick := draw.LineStyle{Color: black, Width: vg.Points(0.5)}
	sty := barStyle()
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YTop
	right := vg.Length(math.Inf(-1))
	labelTop := bar.Min.Y - barTick - 2
	for _, t := range barTicks(h) {
		at := x(t.Value)
		dc.StrokeLine2(tick, at, bar.Min.Y, at, bar.Min.Y-barTick)
		w := sty.Width(t.Label)
		// Labels that would touch the one on their left are left out.
		if at-w/2 < right+sty.Width(" ") {
			continue
		}
		dc.FillText(sty, vg.Point{X: at, Y: labelTop}, t.Label)
		right = at + w/2
	}
	if h.Label != "" {
		dc.FillText(sty, vg.Point{X: (x0 + x1) / 2, Y: labelTop - sty.Height("0") - 2}, h.Label)
	}
}

// sameScale reports whether two heat maps show their values in the same
// colours, so that one colour bar serves both.
func sameScale(a, b *HeatMap) bool {
	return a.Min == b.Min && a.Max == b.Max && a.Scale == b.Scale && a.Label == b.Label &&
		slices.Equal(a.Levels, b.Levels) && slices.EqualFunc(a.Palette.Colors(), b.Palette.Colors(), sameColor)
}
