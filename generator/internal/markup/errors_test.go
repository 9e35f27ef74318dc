package markup

import (
	"strings"
	"testing"
)

// front is a valid front matter of four lines: bodies start at line 5.
const front = "---\ntitle: T\ndescription: D\n---\n"

func TestParseErrors(t *testing.T) {
	for _, c := range []struct {
		name, src string
		want      []string
	}{
		{"unknown block directive", front + ":::figur{#fig-a experiment=x}\nCaption.\n:::\n",
			[]string{"x.md:5:1: unknown directive :::figur (want :::figure or ::run)"}},
		{"figure opened with two colons", front + "::figure{#fig-a experiment=x}\n",
			[]string{"x.md:5:1: directive figure is a container: open it with :::figure", "x.md:5:1: directive figure is not closed (want a line ::)"}},
		{"run opened with three colons", front + ":::run{#run-a experiment=x}\n",
			[]string{"x.md:5:1: directive run has no body: write ::run{...}"}},
		{"unclosed figure", front + ":::figure{#fig-a experiment=x}\nCaption.\n",
			[]string{"x.md:5:1: directive figure is not closed (want a line :::)"}},
		{"stray closing fence", front + "Text.\n\n:::\n",
			[]string{"x.md:7:1: stray :::: no directive is open"}},
		{"missing id", front + ":::figure{experiment=x}\nCaption.\n:::\n",
			[]string{"x.md:5:1: figure directive needs an id, as in {#fig-name ...}"}},
		{"wrong id prefix", front + ":::figure{#run-a experiment=x}\nCaption.\n:::\n",
			[]string{`x.md:5:11: figure id "run-a" must start with fig- and use lower-case letters, digits and hyphens`}},
		{"duplicate id", front + ":::figure{#fig-a experiment=x}\nCaption.\n:::\n\n::run{#fig-a experiment=x}\n\n## Title {#fig-a}\n",
			[]string{`x.md:9:7: run id "fig-a" must start with run- and use lower-case letters, digits and hyphens`, "x.md:11:1: duplicate id fig-a (first defined at line 5)"}},
		{"missing experiment", front + ":::figure{#fig-a alt=\"x\"}\nCaption.\n:::\n",
			[]string{"x.md:5:1: figure fig-a needs experiment=name"}},
		{"missing caption", front + ":::figure{#fig-a experiment=x}\n:::\n",
			[]string{"x.md:5:1: figure fig-a needs a caption: a paragraph before its closing :::"}},
		{"alt on a run", front + "::run{#run-a experiment=x alt=\"y\"}\n",
			[]string{"x.md:5:27: run run-a draws nothing, so it takes no alt="}},
		{"vary on a run", front + "::run{#run-a experiment=x vary=\"n=1,2\"}\n",
			[]string{"x.md:5:27: run run-a draws nothing, so it takes no vary= (a figure does)"}},
		{"vary without values", front + ":::figure{#fig-a experiment=x vary=hidden}\nCaption.\n:::\n",
			[]string{`x.md:5:36: figure fig-a: vary="hidden": want the parameter and the values offered, as in vary="hidden=2,4,8"`}},
		{"vary without a parameter", front + ":::figure{#fig-a experiment=x vary=\"=2,4\"}\nCaption.\n:::\n",
			[]string{`x.md:5:37: figure fig-a: vary="=2,4": want the parameter and the values offered, as in vary="hidden=2,4,8"`}},
		{"vary with one value", front + ":::figure{#fig-a experiment=x vary=hidden=8}\nCaption.\n:::\n",
			[]string{"x.md:5:36: figure fig-a: vary hidden: offer at least two values, separated by commas (a figure with one setting needs no vary=)"}},
		{"vary with an empty value", front + ":::figure{#fig-a experiment=x vary=\"hidden=2,,8\"}\nCaption.\n:::\n",
			[]string{"x.md:5:46: figure fig-a: vary hidden: an empty value (values are separated by commas)"}},
		{"vary with too many values", front + ":::figure{#fig-a experiment=x vary=\"n=1,2,3,4,5,6,7,8,9,10,11,12,13\"}\nCaption.\n:::\n",
			[]string{"x.md:5:37: figure fig-a: vary n: at most 12 values, got 13"}},
		{"footnote in a varied caption", front + ":::figure{#fig-a experiment=x vary=\"n=1,2\"}\nCaption.[^1]\n:::\n\n[^1]: A note.\n",
			[]string{"x.md:6:9: figure fig-a: its caption is written once for each value of n it offers, so it cannot hold a footnote"}},
		{"labelled equation in a varied caption", front + ":::figure{#fig-a experiment=x vary=\"n=1,2\"}\nCaption.\n\n$$x$$ {#eq-x}\n:::\n",
			[]string{"x.md:8:8: figure fig-a: its caption is written once for each value of n it offers, so it cannot hold a labelled equation"}},
		{"figure in a varied caption", front + "::::figure{#fig-a experiment=x vary=\"n=1,2\"}\nCaption.\n\n:::figure{#fig-b experiment=x}\nInner.\n:::\n::::\n",
			[]string{"x.md:8:1: figure fig-a: its caption is written once for each value of n it offers, so it cannot hold a figure or run"}},
		{"unclosed attributes", front + ":::figure{#fig-a experiment=x\nCaption.\n:::\n",
			[]string{"x.md:5:10: attribute block is not closed (want })"}},
		{"unclosed quote", front + ":::figure{#fig-a alt=\"a picture}\nCaption.\n:::\n",
			[]string{"x.md:5:22: malformed attributes: unclosed quote in alt"}},
		{"attribute without value", front + "::run{#run-a experiment}\n",
			[]string{"x.md:5:24: malformed attributes: want = after experiment"}},
		{"duplicate attribute", front + "::run{#run-a experiment=x seed=1 seed=2}\n",
			[]string{"x.md:5:34: duplicate attribute seed"}},
		{"no attributes", front + "::run\n",
			[]string{"x.md:5:6: directive run: want {attributes} after its name"}},
		{"text after attributes", front + "::run{#run-a experiment=x} extra\n",
			[]string{"x.md:5:27: directive run: unexpected text after its attributes"}},
		{"unknown inline directive", front + "The value :value[fig-a.x] here.\n",
			[]string{"x.md:5:11: unknown directive :value (want :val[...] or :check[...])"}},
		{"malformed value", front + "The value :val[fig-a] here.\n",
			[]string{"x.md:5:11: directive :val[fig-a]: want :val[figure-id.name]"}},
		{"unclosed value", front + "The value :val[fig-a.x here.\n",
			[]string{"x.md:5:11: directive :val is not closed (want ])"}},
		{"malformed citation", front + "As shown [@boyd2004; smith].\n",
			[]string{`x.md:5:22: malformed citation "smith" (want [@key] or [@key, locator])`}},
		{"malformed reference", front + "See @fig-A.\n",
			[]string{"x.md:5:5: malformed reference @fig-A (ids use lower-case letters, digits and hyphens)"}},
		{"unknown LaTeX command", front + "Math $\\relu(x) + 1$.\n",
			[]string{`x.md:5:7: math: unknown command \relu`}},
		{"LaTeX command without argument", front + "Math $x + \\sqrt$.\n",
			[]string{`x.md:5:11: math: \sqrt: sqrt requires one or more arguments`}},
		{"unbalanced open brace", front + "Math $\\frac{a}{b$.\n",
			[]string{"x.md:5:15: math: unbalanced braces: this { is never closed"}},
		{"unbalanced close brace", front + "$$\na} + b\n$$\n",
			[]string{"x.md:6:2: math: unbalanced braces: this } closes nothing"}},
		{"bad equation label", front + "$$\nx\n$$ {#eqn-a}\n",
			[]string{`x.md:7:5: equation id "eqn-a" must start with eq- and use lower-case letters, digits and hyphens`}},
		{"label after in-paragraph math", front + "Inline $$x$$ {#eq-a} here.\n",
			[]string{"x.md:5:14: an equation label belongs right after display math that starts its own line: $$ ... $$ {#eq-name}"}},
		{"unclosed display math", front + "$$\nx + y\n",
			[]string{"x.md:5:1: display math is not closed (want a line with $$)"}},
		{"text after display math", front + "$$ x $$ and more\n",
			[]string{"x.md:5:9: unexpected text after display math (a label is written {#eq-name})"}},
		{"level-one heading", front + "# Title\n",
			[]string{"x.md:5:1: the article's title comes from its front matter: start headings at ##"}},
		{"level-three heading first", front + "### Detail\n",
			[]string{"x.md:5:1: heading ### comes before any ## heading"}},
		{"no front matter", "Just text.\n",
			[]string{"x.md:1:1: missing front matter: start the file with ---, a title: and a description:, and ---"}},
		{"missing title", "---\ndescription: D\n---\nText.\n",
			[]string{"x.md:1:1: front matter: missing title"}},
		{"unknown front matter key", "---\ntitle: T\ndescription: D\nauthor: me\n---\n",
			[]string{"x.md:4:1: front matter: unknown field author (known fields: title, description, order, draft, date)"}},
		{"ill-typed front matter", "---\ntitle: T\ndescription: D\norder: first\n---\n",
			[]string{`x.md:4:1: front matter: want an integer, got "first"`}},
		{"fractional order", "---\ntitle: T\ndescription: D\norder: 1.5 # between\n---\n",
			[]string{`x.md:4:1: front matter: want an integer, got "1.5"`}},
		{"malformed front matter", "---\ntitle: [T\ndescription: D\n---\n",
			[]string{"x.md:2:1: front matter: did not find expected ',' or ']'"}},
		{"bad date", "---\ntitle: T\ndescription: D\ndate: 22/11/2026\n---\n",
			[]string{`x.md:4:1: front matter: date "22/11/2026" is not a date of the form 2006-01-02`}},
		{"invalid UTF-8", front + "Caf\xe9\n",
			[]string{"x.md:5:4: invalid UTF-8 (the file must be UTF-8 text)"}},
		{"raw HTML", front + "A <span class=\"x\">word</span>.\n",
			[]string{"x.md:5:3: raw HTML <span> is not allowed: write Markdown (the HTML allowed is <abbr title>, <br>, <details open>, <kbd>, <mark>, <sub>, <summary>, <sup>)"}},
		{"raw HTML after a comment in a block", front + "<!-- note --><iframe src=\"x\"></iframe>\n",
			[]string{"x.md:5:14: raw HTML <iframe> is not allowed: write Markdown (the HTML allowed is <abbr title>, <br>, <details open>, <kbd>, <mark>, <sub>, <summary>, <sup>)"}},
		{"raw HTML in a block quote", front + "> <details>\n> <summary onclick=\"x\">More</summary>\n> </details>\n",
			[]string{"x.md:6:12: raw HTML <summary> takes no attributes, got onclick"}},
		{"a < in an HTML block", front + "<details>\nIf a < b\n</details>\n",
			[]string{"x.md:6:6: < starts no HTML tag here: write &lt; for the character <"}},
		{"closing tag of nothing", front + "Text</sup>.\n",
			[]string{"x.md:5:5: </sup> closes no <sup>"}},
		{"details never closed", front + "<details>\n<summary>More</summary>\n\nText.\n",
			[]string{"x.md:5:1: <details> is never closed (want </details>)"}},
		{"processing instruction", front + "<?php echo 1; ?>\n",
			[]string{"x.md:5:1: raw HTML <?php echo 1; ?> is not allowed"}},
		{"javascript link", front + "[x](javascript:alert(1))\n",
			[]string{"x.md:5:1: link javascript:alert(1): the scheme javascript: is not allowed (use http:, https: or mailto:, or a path in the site)"}},
		{"javascript link by reference, hidden by a tab", front + "[x]\n\n[x]: <java\tscript:alert(1)>\n",
			[]string{"x.md:5:1: link java\tscript:alert(1): the scheme javascript: is not allowed (use http:, https: or mailto:, or a path in the site)"}},
		{"data image", front + "![x](data:image/png;base64,AAAA)\n",
			[]string{"x.md:5:1: image data:image/png;base64,AAAA: the scheme data: is not allowed (use http:, https: or mailto:, or a path in the site)"}},
		{"protocol-relative link", front + "[x](//example.org/a)\n",
			[]string{"x.md:5:1: link //example.org/a: write the scheme, as in https://example.org/a"}},
		{"undefined footnote", front + "Text.[^a]\n",
			[]string{"x.md:5:6: footnote [^a] is not defined (define it on a line of its own: [^a]: The note.)"}},
		{"unused footnote", front + "Text.\n\n[^a]: A note.\n",
			[]string{"x.md:7:1: footnote [^a] is defined but nothing refers to it (write [^a] where it belongs, or delete it)"}},
		{"heading with an attribute", front + "## A {#sec-a onclick=x}\n",
			[]string{"x.md:5:14: malformed heading attributes {#sec-a onclick=x}: a heading takes only an id, and a claim a verdict, as in {#sec-name} or {#sec-claim verdict=false}"}},
		{"verdict that is none", front + "## A claim {#sec-a verdict=maybe}\n",
			[]string{"x.md:5:20: a claim's verdict must be true, false or partly, got \"maybe\""}},
		{"verdict and another attribute", front + "## A {#sec-a verdict=true class=x}\n",
			[]string{"x.md:5:14: malformed heading attributes {#sec-a verdict=true class=x}: a heading takes only an id, and a claim a verdict, as in {#sec-name} or {#sec-claim verdict=false}"}},
		{"footnote with a list", front + "Text.[^a]\n\n[^a]: A note:\n\n    - with a list\n",
			[]string{"x.md:9:1: footnote [^a] holds a list: a footnote is shown in the margin, where only paragraphs fit; move it into the text"}},
		{"heading with an unclosed attribute block", front + "## A {#sec-a\n",
			[]string{"x.md:5:6: malformed heading attributes: a heading ends with its id, as in ## Title {#sec-name}"}},
		{"setext heading with a class", front + "A {.big}\n---------\n",
			[]string{"x.md:5:3: malformed heading attributes {.big}: a heading takes only an id, as in {#sec-name}"}},
		{"unknown environment", front + "$\\begin{foo} x \\end{foo}$\n",
			[]string{"x.md:5:2: math: unknown environment foo (known: Bmatrix, Vmatrix, align, align*, aligned, array, bmatrix, cases, matrix, pmatrix, subarray, vmatrix)"}},
		{"prices", front + "It costs $5 and $x.\n",
			[]string{"x.md:5:10: ambiguous $: the $ that would close it has a space before it (write \\$ for a dollar sign, $x$ for math)",
				"x.md:5:17: ambiguous $: no $ closes it in this paragraph (write \\$ for a dollar sign)"}},
		{"math closed before a digit", front + "From $x$1.\n",
			[]string{"x.md:5:6: ambiguous $: the $ that would close it is followed by a digit (write \\$ for a dollar sign)",
				"x.md:5:8: ambiguous $: no $ closes it in this paragraph (write \\$ for a dollar sign)"}},
		{"lists nested 2,000 deep", front + nested("- x\n", "  ", 2000),
			[]string{"x.md:21:33: lists and block quotes nest more than 16 deep here: flatten them"}},
		{"block quotes nested 3,000 deep, a line each", front + nested("x\n", ">", 3000),
			[]string{"x.md:22:17: lists and block quotes nest more than 16 deep here: flatten them"}},
		{"ordered lists nested too deep", front + nested("1. x\n", "   ", 20),
			[]string{"x.md:21:49: lists and block quotes nest more than 16 deep here: flatten them"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewParser().Parse("x.md", []byte(c.src))
			if err == nil {
				t.Fatalf("no error; want %q", c.want)
			}
			if got := strings.Split(err.Error(), "\n"); strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("errors:\n%s\nwant:\n%s", err, strings.Join(c.want, "\n"))
			}
		})
	}
}

func TestParseReportsEveryErrorSorted(t *testing.T) {
	src := front + "# Title\n\n:::figure{#fig-a}\n:::\n\nMath $\\foo$ and :vals[x.y].\n"
	_, err := NewParser().Parse("x.md", []byte(src))
	want := strings.Join([]string{
		"x.md:5:1: the article's title comes from its front matter: start headings at ##",
		"x.md:7:1: figure fig-a needs a caption: a paragraph before its closing :::",
		"x.md:7:1: figure fig-a needs experiment=name",
		`x.md:10:7: math: unknown command \foo`,
		"x.md:10:17: unknown directive :vals (want :val[...] or :check[...])",
	}, "\n")
	if err == nil || err.Error() != want {
		t.Errorf("errors:\n%v\nwant:\n%s", err, want)
	}
}

// nested returns line repeated n times, the i-th after i copies of indent.
func nested(line, indent string, n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(strings.Repeat(indent, i) + line)
	}
	return b.String()
}
