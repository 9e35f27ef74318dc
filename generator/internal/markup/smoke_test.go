package markup

import (
	"fmt"
	"os"
	"testing"
)

type fakeResolver struct{}

func (fakeResolver) Figure(f *Figure) (string, string) {
	return "<img src=\"" + f.ID + ".svg\">", "<p>links</p>"
}
func (fakeResolver) Inline(d *Directive) string {
	return "[" + d.Name + " " + d.Target + "." + d.Key + "]"
}
func (fakeResolver) Ref(r *Ref) (string, string) { return "Ref " + r.Target, "#" + r.Target }
func (fakeResolver) Cite(c *Cite) string         { return "<a href=\"#ref-" + c.Key + "\">" + c.Key + "</a>" }

func TestSmoke(t *testing.T) {
	src := `---
title: Hello
description: A test.
---
Intro with $x^2$ and @fig-a, email me@example.org, ratio 1:2, [@boyd2004, §3.2].

## First section {#sec-first}

:::figure{#fig-a experiment=counterexample loss=square alt="a curve"}
Caption with **bold** and $\theta$.
:::

$$
L(t) = 16 t^2 (1-t)^2
$$ {#eq-loss}

See @eq-loss and :val[fig-a.midpoint] and :check[fig-a.ok].

### Sub

::run{#run-b experiment=x}

Footnote[^1].

[^1]: The note.

` + "```go\nfunc main() {}\n```\n"
	p := NewParser()
	d, err := p.Parse("content/x.md", []byte(src))
	fmt.Println(err)
	if d == nil {
		return
	}
	fmt.Printf("%+v\n", d.Meta)
	for _, f := range d.Figures {
		fmt.Printf("%+v\n", *f)
	}
	for _, h := range d.TOC {
		fmt.Printf("toc %+v %+v\n", *h, h.Sub)
	}
	for k, v := range d.Targets {
		fmt.Println("target", k, *v)
	}
	p.Render(os.Stdout, d, fakeResolver{})
}
