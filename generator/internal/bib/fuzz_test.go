package bib

import (
	"bytes"
	"errors"
	"testing"
)

func FuzzParse(f *testing.F) {
	seeds := []string{
		"",
		"@",
		"@misc{",
		"@misc{a, title = {T}}",
		"@string{x = \"a\" # {b}} @book(k, author = {Doe, J. and others}, title = x, year = 1, publisher = {P})",
		"@article{a,\n author = {van der Vaart, A. and King, Jr., M.},\n title = {{\\\"o}\\'{\\i}\\v c--~$x$},\n journal = j,\n year = 2015,\n}",
		"@comment{x} @preamble{\"y\"} % @misc{z}\n@misc{a, title = \"q{\"}\" # jan}",
		"@misc{a, title = {\xff}, eprint = {1}, archiveprefix = {arXiv}, doi = {doi:1/2}, url = {http://x}}",
		"@misc{a b, ,title = , title = {T}} @misc{a, x = 12-3}",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		b, err := Parse("refs.bib", src)
		if b == nil {
			t.Fatal("Parse returned a nil Bibliography")
		}
		lines := bytes.Count(src, []byte("\n")) + 1
		if err != nil {
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error %T %v is not a non-empty ErrorList", err, err)
			}
			for i, e := range list {
				if e.Line < 1 || e.Col < 1 || e.Line > lines || e.File != "refs.bib" || e.Msg == "" {
					t.Errorf("badly positioned error %+v", e)
				}
				if i > 0 && (e.Line < list[i-1].Line || e.Line == list[i-1].Line && e.Col < list[i-1].Col) {
					t.Errorf("errors out of order: %v before %v", list[i-1], e)
				}
			}
		}
		for _, k := range b.Keys() {
			e, ok := b.Lookup(k)
			if !ok || e.Key != k || e.Line < 1 || e.Col < 1 {
				t.Fatalf("Lookup(%q) = %+v, %v", k, e, ok)
			}
			e.HTML()
			e.Short()
		}
	})
}
