// Package lab is the runtime of the explainer's numerical experiments: how
// an experiment declares its parameters, what its run returns, how it is
// executed and drawn, and how its code is fingerprinted. It knows no
// particular experiment; package figures holds those.
//
// # Experiments
//
// An [Experiment] is a name, a sentence or two of documentation, declared
// parameters, an optional text alternative for its figure, and a run:
//
//	Run func(ctx context.Context, a Args, rng *rand.Rand) (*Result, error)
//
// A [Registry] looks experiments up by name; [NewRegistry] sorts them and
// rejects duplicates.
//
// # Parameters
//
// Parameters are declared once, with type, default, range and a sentence of
// help, by [Int], [Float], [Bool] and [Choice]. Every experiment also has the
// implicit [Seed]. [Experiment.Parse] checks the values a directive gives,
// reports every bad one as a [ParamError], and fills in defaults; the run
// reads them back with [Args.Int], [Args.Float], [Args.Bool] and
// [Args.Choice]. [Args.Canonical] is the form results are cached under.
//
// # Results
//
// A run returns a [Result]: plots drawn together as one SVG, the [Table]
// behind them (written as CSV, floats in their shortest exact form), values
// the prose quotes ([Result.Float], [Result.Int], [Result.Text]) and checks,
// claims with the numbers that decide them ([Result.Check]). Numbers are
// typeset as in print: −1.5 × 10⁻¹³ ([Typeset]).
//
// # Execution
//
// [Execute] runs an experiment with a random source seeded from its seed
// parameter, under a time budget ([DefaultBudget] unless given), and draws
// its figure into an [Output], the cacheable form a page needs. A panic, a
// NaN or an overrun becomes an error of that run, never a crash of the
// build. An experiment is deterministic (no random source but the one it is
// given, no clock, no map order in its output), pure (no files, no
// network) and fast (about two seconds on one core at its defaults); it
// polls ctx in long loops.
//
// # Drawing
//
// The house style: [NewPlot] for a panel with the house fonts (12 points,
// nothing smaller), grid and typeset ticks ([Ticks], [TicksAt], [IntTicks],
// [PowerTicks] with [Power10]); [Series], [Points], [Labels] and
// [MedianRange] take their colours from the colour-blind-safe [Palette];
// [SampleGrid] and [Surface] draw a function of two variables as a
// [HeatMap] (smooth, in the [Sequential] or [Diverging] palette, on a
// linear or [PowerScale]) with contour lines.
//
// A result's plots are laid out as one figure ([Result.SVG]): panels of the
// house size [PanelWidth] × [PanelHeight] unless the result says otherwise,
// stacked in one column unless Cols says otherwise, their data areas lined
// up. Each panel's legend goes to a corner of the data area that no data
// reaches, or above the data, the figure growing to make room; each heat
// map gets a colour bar on the right, marking the contour levels (one bar
// under the panels when side-by-side heat maps share a scale); every mark,
// to the accents of the last label, is kept inside the canvas, measured
// with the outlines of the glyphs.
//
// The SVG is written by the house itself: compact, with the Liberation
// fonts named (not embedded) before the rest of the captions' stack
// [SansFamily], heat maps as PNG images that stretch to their cells, and
// a style sheet that recolours paper, ink, grid and series for readers who
// prefer a dark scheme (heat maps get a variant of lower lightness, and
// marks over them keep their colours). Package labtest checks a figure
// against all of this.
//
// [Result.PNG] draws the same figure as a PNG image, in the light scheme,
// at its own proportions or centred in a given size; [PNG] runs an
// experiment and draws it, for pages' social-media cards:
//
//	img, err := lab.PNG(ctx, args, 0, 1200, 630) // 1200 × 630 pixels
//
// # Fingerprints
//
// A result is cached under a fingerprint of the code that computed it.
// [Fingerprints] computes them from an experiment package's embedded
// source: an experiment's file, plus every file no experiment owns, plus
// the toolchain's and gonum's [Versions]. The source must be embedded by
// the experiments' own package (embedding cannot reach a parent folder),
// which then sets [Registry.Fingerprint].
package lab
