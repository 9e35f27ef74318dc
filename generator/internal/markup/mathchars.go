package markup

import (
	"html"
	"strings"
)

// MathChars calls add for every character the MathML draws, as a browser
// following MathML Core draws it: the text of its token elements, with a
// lone letter of an mi in its mathematical italic form (the math-auto
// text transform), and the radical sign of msqrt and mroot, which are
// drawn without one in the text. The site subsets its math font to
// these characters.
func MathChars(mathml string, add func(rune)) {
	for i := 0; i < len(mathml); {
		lt := strings.IndexByte(mathml[i:], '<')
		if lt < 0 {
			return
		}
		i += lt
		gt := strings.IndexByte(mathml[i:], '>')
		if gt < 0 {
			return
		}
		tag := mathml[i+1 : i+gt]
		i += gt + 1
		name, attrs, _ := strings.Cut(tag, " ")
		switch name {
		case "msqrt", "mroot":
			add('√')
		case "annotation":
			// The TeX source, which is not drawn.
			if end := strings.Index(mathml[i:], "</annotation>"); end >= 0 {
				i += end
			}
		case "mi", "mn", "mo", "mtext", "ms":
			end := strings.IndexByte(mathml[i:], '<')
			if end < 0 {
				return
			}
			text := html.UnescapeString(mathml[i : i+end])
			i += end
			if name == "mi" && !strings.Contains(attrs, "mathvariant=") {
				if r := []rune(text); len(r) == 1 {
					add(italic(r[0]))
					continue
				}
			}
			for _, r := range text {
				add(r)
			}
		}
	}
}

// italic returns the mathematical italic form of a letter, as MathML
// Core's math-auto transform maps it, or the character itself.
func italic(r rune) rune {
	switch {
	case r == 'h':
		return 'ℎ' // the Planck constant stands for italic h
	case r >= 'a' && r <= 'z':
		return 0x1D44E + r - 'a'
	case r >= 'A' && r <= 'Z':
		return 0x1D434 + r - 'A'
	case r == 'ı':
		return 0x1D6A4
	case r == 'ȷ':
		return 0x1D6A5
	case r >= 'Α' && r <= 'Ω' && r != 0x3A2:
		return 0x1D6E2 + r - 'Α'
	case r == 'ϴ':
		return 0x1D6F3
	case r == '∇':
		return 0x1D6FB
	case r >= 'α' && r <= 'ω':
		return 0x1D6FC + r - 'α'
	}
	switch r {
	case '∂':
		return 0x1D715
	case 'ϵ':
		return 0x1D716
	case 'ϑ':
		return 0x1D717
	case 'ϰ':
		return 0x1D718
	case 'ϕ':
		return 0x1D719
	case 'ϱ':
		return 0x1D71A
	case 'ϖ':
		return 0x1D71B
	}
	return r
}
