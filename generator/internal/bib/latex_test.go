package bib

import (
	"testing"
	"unicode/utf8"
)

func TestPlain(t *testing.T) {
	tests := []struct{ raw, want string }{
		{`{\"o}`, "ö"},
		{`\"o \"{u} \" a`, "ö ü ä"},
		{`{\'e}t{\'e} \'{E}`, "été É"},
		{`\'{\i} \^\i \v{c} \c c \H{o} \k{a} \r{u} \=a \.z \u{g} \~n`, "í î č ç ő ą ů ā ż ğ ñ"},
		{`\d{s} \'x`, "s\u0323 x\u0301"},
		{`\ss e \ss{}e {\o}re \L\'od\'z \AE\ae`, "ße ße øre Łódź Ææ"},
		{`\& \% \$ \# \_ \{x\}`, "& % $ # _ {x}"},
		{`a--b a---b a-b a----b`, "a–b a—b a-b a----b"},
		{`p.~12`, "p.\u00a012"},
		{"``quoted''", "“quoted”"},
		{`\emph{Deep} \textbf {Learning}`, "Deep Learning"},
		{`$\ell_1$-{norm} and $a--b$`, "$\\ell_1$-norm and $a--b$"},
		{"  spread \n\t out  ", "spread out"},
		{`{\'}x \~{} \`, "x"},
	}
	for _, tt := range tests {
		if got := plain(tt.raw); got != tt.want {
			t.Errorf("plain(%q) = %q, want %q", tt.raw, got, tt.want)
		}
	}
}

func TestVerbatim(t *testing.T) {
	tests := []struct{ raw, want string }{
		{`{https://example.com/~a/b--c}`, "https://example.com/~a/b--c"},
		{"\\url{https://example.com/a\\_b\\%20}", "https://example.com/a_b%20"},
		{"https://example.com/long/\n   path", "https://example.com/long/path"},
	}
	for _, tt := range tests {
		if got := verbatim(tt.raw); got != tt.want {
			t.Errorf("verbatim(%q) = %q, want %q", tt.raw, got, tt.want)
		}
	}
}

// Each base letter needs exactly one precomposed letter.
func TestAccentTables(t *testing.T) {
	for name, a := range accents {
		if len(a.bases) != utf8.RuneCountInString(a.composed) {
			t.Errorf(`accent \%s: %d bases, %d composed`, name, len(a.bases), utf8.RuneCountInString(a.composed))
		}
	}
}
