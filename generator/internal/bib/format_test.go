package bib

import (
	"strings"
	"testing"
)

// parseOne parses src, which must hold exactly one valid entry.
func parseOne(t *testing.T, src string) *Entry {
	t.Helper()
	b, err := Parse("refs.bib", []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	keys := b.Keys()
	if len(keys) != 1 {
		t.Fatalf("got keys %q, want one", keys)
	}
	e, _ := b.Lookup(keys[0])
	return e
}

func TestHTML(t *testing.T) {
	tests := []struct{ name, src, want string }{{
		name: "inproceedings with arXiv eprint",
		src: `@inproceedings{choromanska2015,
  author        = {Choromanska, Anna and Henaff, Mikael and Mathieu, Micha{\"e}l and
                   Ben Arous, G{\'e}rard and LeCun, Yann},
  title         = {The Loss Surfaces of Multilayer Networks},
  booktitle     = {AISTATS},
  publisher     = {PMLR},
  year          = {2015},
  eprint        = {1412.0233},
  archivePrefix = {arXiv},
}`,
		want: `A. Choromanska, M. Henaff, M. Mathieu, G. Ben Arous, Y. LeCun. <cite>The Loss Surfaces of Multilayer Networks</cite>. AISTATS, 2015. <a href="https://arxiv.org/abs/1412.0233">arXiv:1412.0233</a>.`,
	}, {
		name: "article with volume, number, pages and doi",
		src: `@article{nesterov2006,
  author  = {Nesterov, Yurii and Polyak, B.T.},
  title   = {Cubic Regularization of {Newton} Method and Its Global Performance},
  journal = {Mathematical Programming},
  volume  = 108, number = 1, pages = {177--205}, year = 2006,
  doi     = {https://doi.org/10.1007/s10107-006-0706-8},
  url     = {https://link.springer.com/article/10.1007/s10107-006-0706-8},
}`,
		want: `Y. Nesterov, B.T. Polyak. <cite>Cubic Regularization of Newton Method and Its Global Performance</cite>. Mathematical Programming 108(1), pp. 177–205, 2006. <a href="https://doi.org/10.1007/s10107-006-0706-8">doi:10.1007/s10107-006-0706-8</a>.`,
	}, {
		name: "book with First Last names and a url",
		src: `@book{boyd2004,
  author    = {Stephen Boyd and Lieven Vandenberghe},
  title     = {Convex Optimization},
  publisher = {Cambridge University Press},
  year      = 2004,
  url       = {https://web.stanford.edu/~boyd/cvxbook/},
}`,
		want: `S. Boyd, L. Vandenberghe. <cite>Convex Optimization</cite>. Cambridge University Press, 2004. <a href="https://web.stanford.edu/~boyd/cvxbook/">https://web.stanford.edu/~boyd/cvxbook/</a>.`,
	}, {
		name: "edited book",
		src: `@book{sra2011, editor = {Sra, Suvrit and Nowozin, Sebastian and Wright, Stephen J.},
  title = {Optimization for Machine Learning}, publisher = {MIT Press}, year = 2011}`,
		want: `S. Sra, S. Nowozin, S. J. Wright (eds.). <cite>Optimization for Machine Learning</cite>. MIT Press, 2011.`,
	}, {
		name: "arXiv misc with others and a duplicate url",
		src: `@misc{dauphin2014,
  author = {Dauphin, Yann N. and others},
  title  = {Identifying and attacking the saddle point problem in high-dimensional non-convex optimization},
  year   = 2014,
  eprint = {arXiv:1406.2572}, archivePrefix = {arXiv},
  url    = {https://arxiv.org/abs/1406.2572},
}`,
		want: `Y. N. Dauphin et al. <cite>Identifying and attacking the saddle point problem in high-dimensional non-convex optimization</cite>. 2014. <a href="https://arxiv.org/abs/1406.2572">arXiv:1406.2572</a>.`,
	}, {
		name: "escaping and accents",
		src: `@misc{esc,
  author       = {{AT\&T <Labs>} and {\"O}zt{\"u}rk, {\c{C}}a{\u g}r{\i}},
  title        = {Bounds for $x<y$ \& <b>bold</b> claims?},
  howpublished = {Tech & Co},
  year         = 2020,
  url          = {https://example.com/?a=1&b="2"},
}`,
		want: `AT&amp;T &lt;Labs&gt;, Ç. Öztürk. <cite>Bounds for $x&lt;y$ &amp; &lt;b&gt;bold&lt;/b&gt; claims?</cite> Tech &amp; Co, 2020. <a href="https://example.com/?a=1&amp;b=&#34;2&#34;">https://example.com/?a=1&amp;b="2"</a>.`,
	}, {
		name: "long author list, von and Jr parts",
		src: `@article{many,
  author = {van der Vaart, A. W. and Ludwig van Beethoven and King, Jr., Martin Luther and
            Jean-Pierre Serre and E and F and G and H and I},
  title = {T}, journal = {J}, volume = 3, pages = 7, year = 1999}`,
		want: `A. W. van der Vaart, L. van Beethoven, M. L. King Jr., J.-P. Serre, E, F et al. <cite>T</cite>. J 3, p. 7, 1999.`,
	}, {
		name: "only what is there, no unsafe link",
		src:  `@misc{bare, title = {Notes}, number = 12, url = {javascript:alert(1)}}`,
		want: `<cite>Notes</cite>. no. 12.`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := parseOne(t, tt.src)
			if got := e.HTML(); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// Entries built by hand have no raw values; formatting falls back to
// Fields.
func TestHTMLWithoutRaw(t *testing.T) {
	e := &Entry{Key: "k", Type: "book", Fields: map[string]string{
		"author": "Nocedal, Jorge and Wright, Stephen J.", "title": "Numerical Optimization",
		"publisher": "Springer", "year": "2006", "doi": "10.1007/978-0-387-40065-5",
	}}
	want := `J. Nocedal, S. J. Wright. <cite>Numerical Optimization</cite>. Springer, 2006. <a href="https://doi.org/10.1007/978-0-387-40065-5">doi:10.1007/978-0-387-40065-5</a>.`
	if got := e.HTML(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if got := e.Short(); got != "Nocedal & Wright 2006" {
		t.Errorf("Short() = %q", got)
	}
}

func TestShort(t *testing.T) {
	tests := []struct{ fields, want string }{
		{`author = {Boyd, Stephen}, year = 2004`, "Boyd 2004"},
		{`author = {Stephen Boyd and Lieven Vandenberghe}, year = 2004`, "Boyd & Vandenberghe 2004"},
		{`author = {A, B and C, D and E, F}, year = 2015`, "A et al. 2015"},
		{`author = {Dauphin, Yann and others}, date = {2014-06}`, "Dauphin et al. 2014"},
		{`author = {van der Vaart, A. W.}, year = 1998`, "van der Vaart 1998"},
		{`author = {Kurt G{\"o}del}`, "Gödel"},
		{`editor = {Sra, Suvrit and Nowozin, Sebastian}, year = 2011`, "Sra & Nowozin 2011"},
		{`title = {Anonymous {Notes}}, year = 2020`, "Anonymous Notes 2020"},
		{`note = {nothing usable}`, "key"},
	}
	for _, tt := range tests {
		e := parseOne(t, "@unpublished{key, "+tt.fields+"}")
		if got := e.Short(); got != tt.want {
			t.Errorf("Short() of %s = %q, want %q", tt.fields, got, tt.want)
		}
	}
}

func TestPeople(t *testing.T) {
	tests := []struct{ raw, want string }{
		{"Choromanska, Anna and LeCun, Yann", "A. Choromanska|Y. LeCun"},
		{"Gérard {Ben Arous}", "G. Ben Arous"},
		{"Ben Arous, Gérard", "G. Ben Arous"},
		{"{Barnes and Noble, Inc.}", "Barnes and Noble, Inc."},
		{"LeCun,Yann AND Bengio , Yoshua", "Y. LeCun|Y. Bengio"},
		{"Charles Louis Xavier Joseph de la Vall{\\'e}e Poussin", "C. L. X. J. de la Vallée Poussin"},
		{"{\\'E}mile Borel and D.~E. Knuth", "É. Borel|D. E. Knuth"},
		{"Aristotle and , and others", "Aristotle|et al."},
		{"", ""},
	}
	for _, tt := range tests {
		list, others := people(tt.raw)
		var got []string
		for _, p := range list {
			got = append(got, p.String())
		}
		if others {
			got = append(got, "et al.")
		}
		if g := strings.Join(got, "|"); g != tt.want {
			t.Errorf("people(%q) = %q, want %q", tt.raw, g, tt.want)
		}
	}
}
