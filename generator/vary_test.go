package main

import "strings"

// varyInputs are the bad inputs of figures a reader can turn,
// vary="key=v1,v2,...": each value is checked like any parameter, at its
// place, and every setting's checks must pass.
var varyInputs = []badInput{
	{name: "vary of a parameter the experiment lacks", files: figure("slope=2", `slope=2 vary="slant=1,2"`),
		want: `content/first.md:9:51: figure fig-line: vary slant: experiment line has no such parameter (it has points, seed, slope)`},
	{name: "vary of an ill-typed value", files: figure("slope=2", `slope=2 vary="slope=2,two"`),
		want: `content/first.md:9:59: figure fig-line: vary slope: want a number in [-10, 10], got "two"`},
	{name: "vary of an out-of-range value", files: figure("slope=2", `slope=2 vary="slope=2, 20"`),
		want: `content/first.md:9:60: figure fig-line: vary slope: want a number in [-10, 10], got "20"`},
	{name: "vary of a value offered twice", files: figure("slope=2", `slope=2 vary="slope=2,3,2.0"`),
		want: `content/first.md:9:61: figure fig-line: vary slope: 2.0 is offered twice (first as 2 at column 57)`},
	{name: "vary without the value shown first", files: figure("slope=2", `slope=2 vary="slope=1,3"`),
		want: `content/first.md:9:45: figure fig-line: vary slope: the setting shown first, slope=2, is not among the values offered: set slope= to one of them, or offer it`},
	{name: "vary without the default", files: figure("slope=2", `slope=2 vary="points=5,6"`),
		want: `content/first.md:9:45: figure fig-line: vary points: the setting shown first, points=11 (the default), is not among the values offered: set points= to one of them, or offer it`},
	{name: "vary with a setting whose check fails", files: figure("slope=2", `slope=2 vary="slope=-1,2"`),
		want: `content/first.md:9:57: figure fig-line at slope=-1: check rises failed: the line rises: slope −1`},
	{name: "vary without values", files: figure("slope=2", `slope=2 vary=slope`),
		want: `content/first.md:9:50: figure fig-line: vary="slope": want the parameter and the values offered, as in vary="hidden=2,4,8"`},
	{name: "vary with one value", files: figure("slope=2", `slope=2 vary=slope=2`),
		want: `content/first.md:9:50: figure fig-line: vary slope: offer at least two values, separated by commas (a figure with one setting needs no vary=)`},
	{name: "vary with an empty value", files: figure("slope=2", `slope=2 vary="slope=2,,3"`),
		want: `content/first.md:9:59: figure fig-line: vary slope: an empty value (values are separated by commas)`},
	{name: "vary with too many values", files: figure("slope=2", `slope=2 vary="slope=`+strings.Repeat("1,", 12)+`2"`),
		want: `content/first.md:9:51: figure fig-line: vary slope: at most 12 values, got 13`},
	{name: "vary on a run", files: third("::run{#run-s experiment=numbers vary=\"n=1,2\"}\n"),
		want: `content/third.md:5:33: run run-s draws nothing, so it takes no vary= (a figure does)`},
	{name: "footnote in a varied caption", files: third(":::figure{#fig-a experiment=line vary=\"slope=1,2\" alt=\"x\"}\nA line.[^n]\n:::\n\n[^n]: A note.\n"),
		want: `content/third.md:6:8: figure fig-a: its caption is written once for each value of slope it offers, so it cannot hold a footnote`},
	{name: "a setting's plot where a file of the content is", files: figure("slope=2", `slope=2 vary="slope=2,3"`) + "-- first/fig-line.slope-3.svg --\n<svg/>\n",
		want: `content/first/fig-line.slope-3.svg:1:1: first/fig-line.slope-3.svg would be written twice: as a copy of content/first/fig-line.slope-3.svg and as the plot of figure fig-line at slope=3 (content/first.md:9:59); rename or remove one of them`},
}
