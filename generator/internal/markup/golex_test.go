package markup

import (
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
)

// goLexCases exercise each rule of chroma's Go lexer and the places where
// one rule gives way to the next.
var goLexCases = []string{
	"func loss(w float64) float64 {\n\treturn w * w\n}\n",
	"package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hi\", len(os.Args)) }\n",
	"//go:build linux\n// a comment\n//\n//x",
	"/* block\n comment */ x /\\\n* joined *\\\n/ y /* open",
	"/*/ not closed */ /**/ /***/ a /* b */*/",
	"var x = []int{1, 2, 3}; const c = iota; type T struct{ a map[string]chan int }",
	"interfaces iota1 nil nilly true_ false if iff go goto gox",
	"x := 1i + 2.5i + .5i + 1e+3i + 1.e-2i + 1.5E+2i + 3e+i 4e5i",
	"1.5e3 1.e3 1. .5 .5e-3 .5E 1e 1e+ 1e+5 1e5 1E-2 0.0 00 007 08 0x1F 0X_a 0x 0b101 0b 0b2 1_000 0_7",
	"'a' '\\n' '\\'' '\\\\' '\\x41' '\\x4' '\\101' '\\1' '\\12' '\\1234' '\\u00e9' '\\U0001F600' ''' '\n' 'ab' '\\q' '",
	"\"plain\" \"esc \\\" quote\" \"back\\\\\" \"multi\nline\" \"\\\\\\\"\" \"\\x\"",
	"a <<= 1; b >>= 2; c &^= d &^ e; f += g -= h *= i /= j %= k &= l |= m && n || o <- p ++ q -- r == s != t := u ...",
	"a + b - c * d / e % f & g | h ^ i < j > k = l ! m ~ n . o , p ; q : r",
	"print(x) println (y) string(b) string (b) int(x) any(x) any x uint8(y) uint8 min(1, 2) max (3)",
	"f(x) f \t(y) f\n(z) g h () _x(1) x9(2) X.Y(3)",
	"# $ ? @ \\ #!x",
	"x.y.z()[0]{1}",
	"",
	"\n\n\t \n",
	"for i := range 10 { if i%2 == 0 { continue }; switch { case i > 5: break; default: fallthrough } }",
	"defer close(ch); select { case v := <-ch: _ = v }; go func() {}()",
}

// TestLexGoMatchesChroma lexes code by lexGo and by chroma's Go lexer and
// checks that the tokens are the same, on the cases above, on random runs
// of Go's pieces, and on the Go source of this module.
func TestLexGoMatchesChroma(t *testing.T) {
	check := func(code string) bool {
		t.Helper()
		got, ok := lexGo(code)
		if !ok {
			return false
		}
		it, err := chroma.Coalesce(lexers.Go).Tokenise(nil, code)
		if err != nil {
			t.Fatal(err)
		}
		if want := it.Tokens(); !slices.Equal(got, want) {
			t.Fatalf("lexGo(%q):\n got %v\nwant %v", code, got, want)
		}
		return true
	}
	for _, code := range goLexCases {
		if !check(code) {
			t.Errorf("lexGo left %q to chroma", code)
		}
	}

	pieces := []string{"func", "f", "(", ")", "{", "}", " ", "\n", "\t", "x", "_", "9", "0", "07", "0x", "1e", "+", "-",
		"i", ".", "...", "/", "*", "/*", "*/", "//", "\\", "\"", "'", "a'", "\\\"", "\\\\", "<", "<<", "=", "&", "^", "|",
		":=", "<-", "len", "int", "any", "nil", "package", "import", "return", "#", "e", "E", "b", "x1", "U", "u"}
	rng := rand.New(rand.NewPCG(13, 13))
	var lexed int
	for range 5000 {
		var code strings.Builder
		for range rng.IntN(30) {
			code.WriteString(pieces[rng.IntN(len(pieces))])
		}
		if check(code.String()) {
			lexed++
		}
	}
	if lexed < 2500 {
		t.Errorf("lexGo lexed %d of 5000 random pieces of Go, fewer than half", lexed)
	}

	lexed = 0
	err := filepath.WalkDir("..", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		// Blocks of the length of an article's code, cut at lines.
		lines := strings.SplitAfter(string(src), "\n")
		for len(lines) > 0 {
			n := min(len(lines), 1+rng.IntN(60))
			if check(strings.Join(lines[:n], "")) {
				lexed++
			}
			lines = lines[n:]
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if lexed < 100 {
		t.Errorf("lexGo lexed only %d blocks of the module's Go", lexed)
	}
}

// FuzzLexGo checks lexGo against chroma's Go lexer on any code.
func FuzzLexGo(f *testing.F) {
	for _, code := range goLexCases {
		f.Add(code)
	}
	f.Fuzz(func(t *testing.T, code string) {
		got, ok := lexGo(code)
		if !ok {
			return
		}
		it, err := chroma.Coalesce(lexers.Go).Tokenise(nil, code)
		if err != nil {
			t.Skip(err) // chroma's engine gave up
		}
		if want := it.Tokens(); !slices.Equal(got, want) {
			t.Fatalf("lexGo(%q):\n got %v\nwant %v", code, got, want)
		}
	})
}
