package lab

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
)

// A Result is what an experiment's run returns.
type Result struct {
	// Plots are drawn together as one SVG, in a grid of Cols columns
	// (one column when Cols is 0: panels side by side shrink their text
	// on a phone).
	Plots []*plot.Plot
	Cols  int
	// Width and Height are the size of one panel in points; zero means
	// the house size (see [PanelWidth]). A legend placed above the data
	// adds to the height.
	Width, Height float64

	// Data is the table behind the plots, written as CSV.
	Data Table
	// Values are the named numbers the prose quotes with :val[...].
	Values []Value
	// Checks are the claims the run verified; all must pass.
	Checks []Check
}

// A Value is a named number an experiment computed, with its text for prose.
type Value struct {
	Name   string  `json:"name"`
	Text   string  `json:"text"`   // as printed in prose
	Number float64 `json:"number"` // the value itself; 0 for text values
}

// A Check is a claim an experiment verified, with the numbers deciding it.
type Check struct {
	Name   string `json:"name"`
	Claim  string `json:"claim"`  // the claim, as a sentence fragment
	Passed bool   `json:"passed"` // whether the numbers bear it out
	Detail string `json:"detail"` // the numbers that decide it
}

// Float records a number formatted with a fmt verb such as "%.3f" or "%.2e".
// Minus signs and exponents are set as in print: −1.5 × 10⁻¹³.
func (r *Result) Float(name, format string, x float64) {
	r.Values = append(r.Values, Value{Name: name, Text: Typeset(fmt.Sprintf(format, x)), Number: x})
}

// Int records an integer.
func (r *Result) Int(name string, n int) {
	r.Values = append(r.Values, Value{Name: name, Text: Typeset(strconv.Itoa(n)), Number: float64(n)})
}

// Text records a value that is not a single number, such as a permutation.
func (r *Result) Text(name, text string) {
	r.Values = append(r.Values, Value{Name: name, Text: text})
}

// Check records whether claim holds; detail, formatted with args, gives
// the numbers that decide it.
func (r *Result) Check(name, claim string, passed bool, detail string, args ...any) {
	r.Checks = append(r.Checks, Check{Name: name, Claim: claim, Passed: passed, Detail: Typeset(fmt.Sprintf(detail, args...))})
}

// Typeset replaces hyphen-minus signs before digits by true minus signs and
// e-notation by powers of ten, so "-1.5e-13" reads "−1.5 × 10⁻¹³".
func Typeset(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '-' && i+1 < len(s) && isDigit(s[i+1]) && (i == 0 || !isWord(s[i-1])):
			b.WriteString("−")
		case (c == 'e' || c == 'E') && i > 0 && isDigit(s[i-1]) && i+1 < len(s) && (s[i+1] == '-' || s[i+1] == '+' || isDigit(s[i+1])):
			j := i + 1
			neg := s[j] == '-'
			if s[j] == '-' || s[j] == '+' {
				j++
			}
			k := j
			for k < len(s) && isDigit(s[k]) {
				k++
			}
			if k == j {
				b.WriteByte(c)
				continue
			}
			exp := strings.TrimLeft(s[j:k], "0")
			if exp == "" {
				exp = "0"
			}
			b.WriteString(" × 10")
			if neg {
				b.WriteString("⁻")
			}
			for _, d := range exp {
				b.WriteString(superscripts[d-'0'])
			}
			i = k - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

var superscripts = [...]string{"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isWord(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c == ')'
}

// A Table is the data behind a figure: a header and rows of cells.
type Table struct {
	Header []string
	Rows   [][]string
}

// Add appends a row. Floats are written in their shortest exact form,
// so the CSV holds the very numbers that were plotted.
func (t *Table) Add(cells ...any) {
	row := make([]string, len(cells))
	for i, c := range cells {
		switch c := c.(type) {
		case float64:
			row[i] = strconv.FormatFloat(c, 'g', -1, 64)
		case int:
			row[i] = strconv.Itoa(c)
		case string:
			row[i] = c
		case bool:
			row[i] = strconv.FormatBool(c)
		default:
			panic(fmt.Sprintf("lab: table cell of type %T", c))
		}
	}
	t.Rows = append(t.Rows, row)
}

// CSV returns the table in RFC 4180 form.
func (t *Table) CSV() []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(t.Header)
	w.WriteAll(t.Rows)
	return buf.Bytes()
}

// validate reports the first malformed or non-finite entry of r.
func (r *Result) validate() error {
	seen := make(map[string]bool)
	for _, v := range r.Values {
		if seen[v.Name] {
			return fmt.Errorf("value %s recorded twice", v.Name)
		}
		seen[v.Name] = true
		if strings.Contains(v.Text, "NaN") || strings.Contains(v.Text, "Inf") {
			return fmt.Errorf("value %s is %s", v.Name, v.Text)
		}
	}
	clear(seen)
	for _, c := range r.Checks {
		if seen[c.Name] {
			return fmt.Errorf("check %s recorded twice", c.Name)
		}
		seen[c.Name] = true
		if strings.Contains(c.Detail, "NaN") {
			return fmt.Errorf("check %s: %s", c.Name, c.Detail)
		}
	}
	for i, row := range r.Data.Rows {
		if len(row) != len(r.Data.Header) {
			return fmt.Errorf("data row %d has %d cells for %d columns", i+1, len(row), len(r.Data.Header))
		}
		for j, cell := range row {
			if cell == "NaN" || cell == "+Inf" || cell == "-Inf" {
				return fmt.Errorf("data row %d, column %s is %s", i+1, r.Data.Header[j], cell)
			}
		}
	}
	return nil
}
