package main

import "strings"

// markupInputs are the bad inputs of the Markdown itself: nothing the
// author wrote is dropped or changed without a word, and heavy input
// stays bounded.
var markupInputs = []badInput{
	{name: "raw HTML with a Markdown equivalent", files: third("Press <b>Enter</b>.\n"),
		want: `content/third.md:5:7: raw HTML <b> is not allowed: write **bold**`},
	{name: "raw HTML block", files: third("<div class=\"note\">A note.</div>\n"),
		want: `content/third.md:5:1: raw HTML <div> is not allowed: write Markdown (the HTML allowed is <abbr title>, <br>, <details open>, <kbd>, <mark>, <sub>, <summary>, <sup>)`},
	{name: "raw HTML script", files: third("<script>alert(1)</script>\n"),
		want: `content/third.md:5:1: raw HTML <script> is not allowed: pages carry no JavaScript`},
	{name: "raw HTML behind a comment", files: third("<!-- a note --> <img src=x onerror=alert(1)>\n"),
		want: `content/third.md:5:17: raw HTML <img> is not allowed: write ![text alternative](address)`},
	{name: "allowed HTML with an attribute that is not", files: third("The <abbr title=\"Hessian\" onclick=\"x()\">H</abbr>.\n"),
		want: `content/third.md:5:27: raw HTML <abbr> takes only title, got onclick`},
	{name: "allowed HTML never closed", files: third("Water is H<sub>2O.\n\nMore.\n"),
		want: `content/third.md:5:11: <sub> is never closed in its paragraph (want </sub>)`},
	{name: "javascript link", files: third("[Click](javascript:alert(1)).\n"),
		want: `content/third.md:5:1: link javascript:alert(1): the scheme javascript: is not allowed (use http:, https: or mailto:, or a path in the site)`},
	{name: "vbscript link", files: third("[Click](VBScript:msgbox).\n"),
		want: `content/third.md:5:1: link VBScript:msgbox: the scheme VBScript: is not allowed (use http:, https: or mailto:, or a path in the site)`},
	{name: "data image", files: third("![A dot](data:image/svg+xml,<svg/onload=alert(1)>).\n"),
		want: `content/third.md:5:1: image data:image/svg+xml,<svg/onload=alert(1)>: the scheme data: is not allowed (use http:, https: or mailto:, or a path in the site)`},
	{name: "javascript autolink", files: third("Go <javascript:alert(1)>.\n"),
		want: `content/third.md:5:4: link javascript:alert(1): the scheme javascript: is not allowed (use http:, https: or mailto:, or a path in the site)`},
	{name: "link to a missing page from the root", files: third("See [nothing](/nosuch/).\n"),
		want: `content/third.md:5:5: link /nosuch/: no page or file /nosuch/ in the site`},
	{name: "relative link to a missing page", files: third("See [the fourth](../fourth/).\n"),
		want: `content/third.md:5:5: link ../fourth/: no page or file /fourth/ in the site`},
	{name: "link to the Markdown file", files: third("See [the first](../first.md).\n"),
		want: `content/third.md:5:5: link ../first.md: no page or file /first.md in the site (link to the article's page, /first/)`},
	{name: "link above the site's root", files: third("See [up](../../elsewhere/).\n"),
		want: `content/third.md:5:5: link ../../elsewhere/: it leads above the site's root`},
	{name: "link to a missing id of another page", files: third("See [it](../first/#no-such-id).\n"),
		want: `content/third.md:5:5: link ../first/#no-such-id: /first/ has no id no-such-id`},
	{name: "link to a missing id of the same page", files: third("## Start {#sec-start}\n\nSee [above](#sec-stat).\n"),
		want: `content/third.md:7:5: link #sec-stat: this page has no id sec-stat`},
	{name: "link to a missing experiment", files: third("See [it](/experiments/#lines).\n"),
		want: `content/third.md:5:5: link /experiments/#lines: /experiments/ has no id lines`},
	{name: "missing image", files: third("![A plot](plot.png)\n"),
		want: `content/third.md:5:1: image plot.png: no page or file /third/plot.png in the site`},
	{name: "undefined footnote", files: third("A claim.[^nope]\n"),
		want: `content/third.md:5:9: footnote [^nope] is not defined (define it on a line of its own: [^nope]: The note.)`},
	{name: "unused footnote", files: third("A claim.\n\n[^note]: Nobody refers to this.\n"),
		want: `content/third.md:7:1: footnote [^note] is defined but nothing refers to it (write [^note] where it belongs, or delete it)`},
	{name: "duplicate footnote", files: third("A claim.[^n]\n\n[^n]: One.\n[^n]: Two.\n"),
		want: `content/third.md:8:1: duplicate footnote [^n] (first defined at line 7)`},
	{name: "heading attribute other than an id", files: third("## Start {#sec-start onclick=x}\n"),
		want: `content/third.md:5:22: malformed heading attributes {#sec-start onclick=x}: a heading takes only an id, and a claim a verdict, as in {#sec-name} or {#sec-claim verdict=false}`},
	{name: "heading class", files: third("## Start {.wide}\n"),
		want: `content/third.md:5:10: malformed heading attributes {.wide}: a heading takes only an id, as in {#sec-name}`},
	{name: "heading id with capitals", files: third("## Start {#Sec_Start}\n"),
		want: `content/third.md:5:10: malformed heading attributes {#Sec_Start}: an id uses lower-case letters, digits and hyphens, as in {#sec-name}`},
	{name: "heading attributes not at the end", files: third("## Start {#sec-start} here\n"),
		want: `content/third.md:5:10: malformed heading attributes: a heading ends with its id, as in ## Title {#sec-name}`},
	{name: "unknown LaTeX environment", files: third("$$\n\\begin{gathered} x \\end{gathered}\n$$\n"),
		want: `content/third.md:6:1: math: unknown environment gathered (known: Bmatrix, Vmatrix, align, align*, aligned, array, bmatrix, cases, matrix, pmatrix, subarray, vmatrix)`},
	{name: "dollar signs that are prices", files: third("It costs $5 and $x.\n"),
		want: "content/third.md:5:10: ambiguous $: the $ that would close it has a space before it (write \\$ for a dollar sign, $x$ for math)\n" +
			"content/third.md:5:17: ambiguous $: no $ closes it in this paragraph (write \\$ for a dollar sign)"},
	{name: "dollar sign before a space", files: third("It costs $ 5.\n"),
		want: `content/third.md:5:10: ambiguous $: a space follows it (write \$ for a dollar sign, $x$ for math)`},
	{name: "closing dollar sign before a digit", files: third("Pay $x$2 each.\n"),
		want: "content/third.md:5:5: ambiguous $: the $ that would close it is followed by a digit (write \\$ for a dollar sign)\n" +
			"content/third.md:5:7: ambiguous $: no $ closes it in this paragraph (write \\$ for a dollar sign)"},
	{name: "unclosed display math in a paragraph", files: third("So $$x + y.\n"),
		want: `content/third.md:5:4: ambiguous $$: no $$ closes it in this paragraph (write \$ for a dollar sign)`},

	// Heavy input stays bounded.
	{name: "lists nested too deep", files: third(nested("- x\n", "  ", 40)),
		want: `content/third.md:21:33: lists and block quotes nest more than 16 deep here: flatten them`},
	{name: "block quotes nested too deep", files: third(strings.Repeat(">", 5000) + " x\n"),
		want: `content/third.md:5:17: lists and block quotes nest more than 16 deep here: flatten them`},
}

// nested returns item repeated n times, each line indented once more.
func nested(item, indent string, n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(strings.Repeat(indent, i) + item)
	}
	return b.String()
}
