package markup

import (
	"strings"

	"github.com/alecthomas/chroma/v2"
)

// Go is the language of most code on a site about a Go program, and
// chroma's lexer for it, a list of regular expressions tried one after
// another at every position, takes most of the time of highlighting: the
// regular expressions are run by a backtracking engine over a copy of the
// code as runes. lexGo reads Go code as that lexer does, rule for rule in
// the same order, by hand, and gives the same tokens (as chroma.Coalesce
// merges them), so the HTML is the same byte for byte; a test compares the
// two on generated and real code. Code where the rules' meaning would take
// more than a simple reading to reproduce is left to chroma: code with
// characters beyond printable ASCII (where \w, \s and \b take in Unicode),
// a raw string (which chroma lexes again as a template), a string that
// does not end (where the engine backtracks), or more than maxGoLex bytes
// (past which Coalesce stops merging).

// maxGoLex is the longest code lexGo reads: Coalesce merges a token into
// the one before only while that is shorter than 8192 bytes.
const maxGoLex = 8191

// lexGo returns the tokens of chroma's Go lexer for code, coalesced, or
// false for code it leaves to chroma.
func lexGo(code string) ([]chroma.Token, bool) {
	if len(code) > maxGoLex {
		return nil, false
	}
	for i := range len(code) {
		if c := code[i]; (c < ' ' || c > '~' || c == '`') && c != '\n' && c != '\t' {
			return nil, false
		}
	}
	l := &goLexer{s: code}
	for i := 0; i < len(code); {
		j := l.token(i)
		if j <= i {
			return nil, false
		}
		i = j
	}
	tokens := make([]chroma.Token, len(l.spans))
	for k, sp := range l.spans {
		tokens[k] = chroma.Token{Type: sp.typ, Value: code[sp.start:sp.end]}
	}
	return tokens, true
}

// A goLexer collects the tokens of a piece of Go code, as spans of it,
// merging each into the one before when they are of the same type.
type goLexer struct {
	s     string
	spans []span
}

type span struct {
	typ        chroma.TokenType
	start, end int
}

func (l *goLexer) emit(t chroma.TokenType, start, end int) int {
	if n := len(l.spans); n > 0 && l.spans[n-1].typ == t && l.spans[n-1].end == start {
		l.spans[n-1].end = end
	} else if end > start {
		l.spans = append(l.spans, span{t, start, end})
	}
	return end
}

// Words of the rules that match a whole word (a keyword followed by \b).
var (
	goNamespace   = goWords("import package")
	goDeclaration = goWords("var func struct map chan type interface const")
	goKeyword     = goWords("break default select case defer go else goto switch fallthrough if range continue for return")
	goConstant    = goWords("true false iota nil")
	goBuiltin     = goWords("uint uint8 uint16 uint32 uint64 int int8 int16 int32 int64 float float32 float64 complex64 complex128 byte rune string bool error uintptr print println panic recover close complex real imag len cap append copy delete new make clear min max")
	goType        = goWords("uint uint8 uint16 uint32 uint64 int int8 int16 int32 int64 float float32 float64 complex64 complex128 byte rune string bool error uintptr any")
)

func goWords(s string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// goOperators are the operators of the lexer's rule, in its order: the
// first that matches wins, not the longest.
var goOperators = strings.Fields(`<<= >>= << >> <= >= &^= &^ += -= *= /= %= &= |= && || <- ++ -- == != := ...`)

// token reads the token at i, the rules tried in the lexer's order, and
// returns where it ends, or i for code left to chroma.
func (l *goLexer) token(i int) int {
	s := l.s
	c := s[i]
	switch {
	case isSpace(c): // \n, \s+
		return l.emit(chroma.TextWhitespace, i, run(s, i, isSpace))
	case strings.HasPrefix(s[i:], "//"): // //[^\s\n\r][^\n\r]*, //[^\n\r]*
		end := strings.IndexByte(s[i:], '\n')
		if end < 0 {
			end = len(s)
		} else {
			end += i
		}
		if i+2 < len(s) && !isSpace(s[i+2]) {
			return l.emit(chroma.CommentPreproc, i, end)
		}
		return l.emit(chroma.CommentSingle, i, end)
	}
	if end := blockComment(s, i); end > 0 {
		return l.emit(chroma.CommentMultiline, i, end)
	}
	if isWord(c) {
		end := run(s, i, isWord)
		switch w := s[i:end]; {
		case goNamespace[w]:
			return l.emit(chroma.KeywordNamespace, i, end)
		case goDeclaration[w]:
			return l.emit(chroma.KeywordDeclaration, i, end)
		case goKeyword[w]:
			return l.emit(chroma.Keyword, i, end)
		case goConstant[w]:
			return l.emit(chroma.KeywordConstant, i, end)
		case goBuiltin[w] && end < len(s) && s[end] == '(':
			l.emit(chroma.NameBuiltin, i, end)
			return l.emit(chroma.Punctuation, end, end+1)
		case goType[w]:
			return l.emit(chroma.KeywordType, i, end)
		}
	}
	if t, end := number(s, i); end > i {
		return l.emit(t, i, end)
	}
	switch c {
	case '\'':
		if end := charLit(s, i); end > 0 {
			return l.emit(chroma.LiteralStringChar, i, end)
		}
	case '"':
		end := stringLit(s, i)
		if end < 0 {
			return i // the engine would backtrack: left to chroma
		}
		return l.emit(chroma.LiteralString, i, end)
	}
	for _, op := range goOperators {
		if strings.HasPrefix(s[i:], op) {
			return l.emit(chroma.Operator, i, i+len(op))
		}
	}
	if strings.IndexByte(`+-*/%&`, c) >= 0 {
		return l.emit(chroma.Operator, i, i+1)
	}
	if isWordStart(c) { // ([a-zA-Z_]\w*)(\s*)(\(), then [^\W\d]\w*
		name := run(s, i, isWord)
		space := run(s, name, isSpace)
		if space < len(s) && s[space] == '(' {
			l.emit(chroma.NameFunction, i, name)
			l.emit(chroma.TextWhitespace, name, space)
			return l.emit(chroma.Punctuation, space, space+1)
		}
	}
	if strings.IndexByte(`|^<>=!()[]{}.,;:~`, c) >= 0 {
		return l.emit(chroma.Punctuation, i, i+1)
	}
	if isWordStart(c) {
		return l.emit(chroma.NameOther, i, run(s, i, isWord))
	}
	return l.emit(chroma.Error, i, i+1) // what no rule matches, a character at a time
}

// blockComment returns the end of the comment at i, as
// /(\\\n)?[*](.|\n)*?[*](\\\n)?/ matches it, or 0.
func blockComment(s string, i int) int {
	var from int
	switch {
	case strings.HasPrefix(s[i:], "/\\\n*"):
		from = i + 4
	case strings.HasPrefix(s[i:], "/*"):
		from = i + 2
	default:
		return 0
	}
	for q := from; q < len(s); q++ {
		if s[q] != '*' {
			continue
		}
		if strings.HasPrefix(s[q+1:], "\\\n/") {
			return q + 4
		}
		if strings.HasPrefix(s[q+1:], "/") {
			return q + 2
		}
	}
	return 0
}

// number returns the type and end of the number at i, as the lexer's
// rules for numbers match it, in their order, or i.
func number(s string, i int) (chroma.TokenType, int) {
	at := func(j int, set string) bool { return j < len(s) && strings.IndexByte(set, s[j]) >= 0 }
	digits := func(j int) int { return run(s, j, isDigit) }
	// exponent returns the end of [Ee][-+]\d+ at j (signed), or of
	// [eE][+\-]?\d+ (sign optional), or -1.
	exponent := func(j int, signed bool) int {
		if !at(j, "eE") {
			return -1
		}
		j++
		if at(j, "+-") {
			j++
		} else if signed {
			return -1
		}
		if end := digits(j); end > j {
			return end
		}
		return -1
	}
	// imaginary returns the end of what follows \.?\d* (up to j) in
	// ([Ee][-+]\d+)?i, or -1.
	imaginary := func(j int) int {
		if e := exponent(j, true); e > 0 && at(e, "i") {
			return e + 1
		}
		if at(j, "i") {
			return j + 1
		}
		return -1
	}
	d := digits(i)
	if d > i && at(d, "i") { // \d+i
		return chroma.LiteralNumber, d + 1
	}
	if d > i && at(d, ".") { // \d+\.\d*([Ee][-+]\d+)?i
		if end := imaginary(digits(d + 1)); end > 0 {
			return chroma.LiteralNumber, end
		}
	}
	if s[i] == '.' && digits(i+1) > i+1 { // \.\d+([Ee][-+]\d+)?i
		if end := imaginary(digits(i + 1)); end > 0 {
			return chroma.LiteralNumber, end
		}
	}
	if d > i { // \d+[Ee][-+]\d+i
		if e := exponent(d, true); e > 0 && at(e, "i") {
			return chroma.LiteralNumber, e + 1
		}
	}
	if d > i { // \d+(\.\d+[eE][+\-]?\d+|\.\d*|[eE][+\-]?\d+)
		if at(d, ".") {
			if f := digits(d + 1); f > d+1 {
				if e := exponent(f, false); e > 0 {
					return chroma.LiteralNumberFloat, e
				}
			}
			return chroma.LiteralNumberFloat, digits(d + 1)
		}
		if e := exponent(d, false); e > 0 {
			return chroma.LiteralNumberFloat, e
		}
	}
	if s[i] == '.' { // \.\d+([eE][+\-]?\d+)?
		if f := digits(i + 1); f > i+1 {
			if e := exponent(f, false); e > 0 {
				return chroma.LiteralNumberFloat, e
			}
			return chroma.LiteralNumberFloat, f
		}
	}
	if s[i] != '0' && d > i { // (0|[1-9][0-9_]*), the rest of it
		return chroma.LiteralNumberInteger, run(s, i, func(c byte) bool { return isDigit(c) || c == '_' })
	}
	if s[i] != '0' {
		return chroma.None, i
	}
	if end := run(s, i+1, func(c byte) bool { return '0' <= c && c <= '7' }); end > i+1 { // 0[0-7]+
		return chroma.LiteralNumberOct, end
	}
	if at(i+1, "xX") { // 0[xX][0-9a-fA-F_]+
		if end := run(s, i+2, func(c byte) bool { return isHex(c) || c == '_' }); end > i+2 {
			return chroma.LiteralNumberHex, end
		}
	}
	if at(i+1, "b") { // 0b[01_]+
		if end := run(s, i+2, func(c byte) bool { return c == '0' || c == '1' || c == '_' }); end > i+2 {
			return chroma.LiteralNumberBin, end
		}
	}
	return chroma.LiteralNumberInteger, i + 1 // 0
}

// charLit returns the end of the character literal at i, as
// '(\\['"\\abfnrtv]|\\x[0-9a-fA-F]{2}|\\[0-7]{1,3}|\\u[0-9a-fA-F]{4}|\\U[0-9a-fA-F]{8}|[^\\])'
// matches it, its alternatives tried in order, or 0.
func charLit(s string, i int) int {
	closes := func(j int) bool { return j < len(s) && s[j] == '\'' }
	hex := func(j, n int) bool {
		if j+n > len(s) {
			return false
		}
		for k := j; k < j+n; k++ {
			if !isHex(s[k]) {
				return false
			}
		}
		return true
	}
	p := i + 1
	if p >= len(s) {
		return 0
	}
	if s[p] != '\\' { // [^\\]
		if closes(p + 1) {
			return p + 2
		}
		return 0
	}
	if p+1 >= len(s) {
		return 0
	}
	e := s[p+1]
	if strings.IndexByte(`'"\abfnrtv`, e) >= 0 && closes(p+2) {
		return p + 3
	}
	if e == 'x' && hex(p+2, 2) && closes(p+4) {
		return p + 5
	}
	if oct := run(s, p+1, func(c byte) bool { return '0' <= c && c <= '7' }); oct > p+1 {
		if end := min(oct, p+4); closes(end) {
			return end + 1
		}
	}
	if e == 'u' && hex(p+2, 4) && closes(p+6) {
		return p + 7
	}
	if e == 'U' && hex(p+2, 8) && closes(p+10) {
		return p + 11
	}
	return 0
}

// stringLit returns the end of the string at i as "(\\\\|\\"|[^"])*"
// matches it when the string ends, or -1 when it does not (when the
// engine would backtrack into it).
func stringLit(s string, i int) int {
	for j := i + 1; j < len(s); j++ {
		switch {
		case s[j] == '"':
			return j + 1
		case s[j] == '\\' && j+1 < len(s) && (s[j+1] == '\\' || s[j+1] == '"'):
			j++
		}
	}
	return -1
}

// run returns the end of the run of bytes in class from i.
func run(s string, i int, in func(byte) bool) int {
	for i < len(s) && in(s[i]) {
		i++
	}
	return i
}

// The classes of the rules' regular expressions, in ASCII: \s, [^\W\d],
// \w and hexadecimal digits (isDigit, \d, is html.go's).
func isSpace(c byte) bool     { return c == ' ' || '\t' <= c && c <= '\r' }
func isWordStart(c byte) bool { return isLetter(c) || c == '_' }
func isWord(c byte) bool      { return isWordStart(c) || isDigit(c) }
func isHex(c byte) bool       { return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }
