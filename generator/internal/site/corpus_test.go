package site

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusWords are the words of the peer corpus's prose.
var corpusWords = strings.Fields("loss convex hessian gradient saddle minimum network weight layer neuron " +
	"symmetry permutation curvature eigenvalue descent basin barrier path " +
	"function sigmoid relu entropy logistic regression parameter")

// corpusSettings are the project's settings without its parts, which the
// corpus's articles, having no order, would not fit in.
const corpusSettings = `title: Is the loss convex?
description: Why a neural network's loss is not a convex function of its weights, shown with experiments that run when the site is built.
url: https://nonconvex.example.org
author: The nonconvex explainer team
language: en
`

// writePeerCorpus writes the corpus that ../shared/bench/vs-hugo.sh gives
// both Hugo and the generator, made the way bench/corpus.py makes it (with
// Go's generator of random numbers, not Python's): n articles of about
// 12 KB, each with five sections of paragraphs with emphasis, code spans
// and links, a list, a table and three Go code blocks, every code block
// different, as on a real site. Beside them go the project's settings and
// references.bib and a plain home page, as the script has it.
func writePeerCorpus(tb testing.TB, dir string, n int) {
	tb.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	bib, err := os.ReadFile(filepath.Join("..", "..", "..", "content", "references.bib"))
	if err != nil {
		tb.Fatal(err)
	}
	write("references.bib", bib)
	write("site.yaml", []byte(corpusSettings))
	write("index.md", []byte("---\ntitle: Corpus\ndescription: A generated corpus.\n---\n\nThe corpus.\n"))
	rng := rand.New(rand.NewPCG(7, 7))
	word := func() string { return corpusWords[rng.IntN(len(corpusWords))] }
	para := func(k int) string {
		var s strings.Builder
		for j := range k {
			if j > 0 {
				s.WriteByte(' ')
			}
			w := word()
			switch r := rng.Float64(); {
			case r < 0.05:
				w = "**" + w + "**"
			case r < 0.10:
				w = "*" + w + "*"
			case r < 0.13:
				w = "`" + w + "`"
			case r < 0.15:
				w = "[" + w + "](https://example.org/" + w + ")"
			}
			s.WriteString(w)
		}
		p := s.String()
		if c := p[0]; 'a' <= c && c <= 'z' {
			p = string(c-'a'+'A') + p[1:]
		}
		return p + "."
	}
	for i := range n {
		parts := []string{fmt.Sprintf("---\ntitle: \"Article %d\"\ndescription: \"Generated article %d for throughput tests.\"\ndate: 2026-01-01\n---\n", i, i)}
		for sec := range 5 {
			parts = append(parts, fmt.Sprintf("## Section %d of article %d\n", sec, i))
			for range 3 {
				parts = append(parts, para(60)+"\n")
			}
			var items []string
			for range 4 {
				items = append(items, "- "+para(8))
			}
			parts = append(parts, strings.Join(items, "\n")+"\n")
			if sec%2 == 0 {
				fn, v := word(), word()
				parts = append(parts, fmt.Sprintf("```go\n// %s%dx%d is part of article %d.\nfunc %s%dx%d(%s float64) float64 {\n\treturn %s * %.4f\n}\n```\n",
					fn, i, sec, i, fn, i, sec, v, v, rng.Float64()))
			}
			if sec == 3 {
				rows := []string{"| a | b | c |\n|---|---|---|"}
				for j := range 5 {
					rows = append(rows, fmt.Sprintf("| %.3f | %s | %d |", rng.Float64(), word(), j))
				}
				parts = append(parts, strings.Join(rows, "\n")+"\n")
			}
		}
		write(fmt.Sprintf("a%04d.md", i), []byte(strings.Join(parts, "\n")))
	}
}
