package lab

import (
	"math"
	"testing"
)

func TestTypeset(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"-1.5", "−1.5"},
		{"2.8e-16", "2.8 × 10⁻¹⁶"},
		{"-3.0e+05", "−3.0 × 10⁵"},
		{"1e-12", "1 × 10⁻¹²"},
		{"x-1", "x-1"},
		{"(-2, -3)", "(−2, −3)"},
		{"seed-3", "seed-3"},
		{"0.25", "0.25"},
		{"1e", "1e"},
	} {
		if got := Typeset(c.in); got != c.want {
			t.Errorf("Typeset(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestTableCSVHoldsExactFloats(t *testing.T) {
	var tb Table
	tb.Header = []string{"x", "label", "n", "ok"}
	x, y := 0.1, 0.2
	tb.Add(x+y, `a "quoted", value`, 3, true)
	const want = "x,label,n,ok\n0.30000000000000004,\"a \"\"quoted\"\", value\",3,true\n"
	if got := string(tb.CSV()); got != want {
		t.Errorf("CSV() = %q, want %q", got, want)
	}
}

func TestValidateCatchesNaNAndDuplicates(t *testing.T) {
	for name, r := range map[string]*Result{
		"nan value":       {Values: []Value{{Name: "v", Text: "NaN", Number: math.NaN()}}},
		"inf value":       {Values: []Value{{Name: "v", Text: "+Inf", Number: math.Inf(1)}}},
		"duplicate value": {Values: []Value{{Name: "v", Text: "1"}, {Name: "v", Text: "2"}}},
		"duplicate check": {Checks: []Check{{Name: "c"}, {Name: "c"}}},
		"nan cell":        {Data: Table{Header: []string{"x"}, Rows: [][]string{{"NaN"}}}},
		"short row":       {Data: Table{Header: []string{"x", "y"}, Rows: [][]string{{"1"}}}},
	} {
		if err := r.validate(); err == nil {
			t.Errorf("%s: validate() = nil, want an error", name)
		}
	}
	var r Result
	r.Float("x", "%.3f", 1.5)
	r.Int("n", -2)
	r.Text("perm", "(2 1)")
	r.Check("ok", "it holds", true, "x = %g", 1.5)
	if err := r.validate(); err != nil {
		t.Errorf("validate() of a sound result = %v", err)
	}
	if r.Values[1].Text != "−2" {
		t.Errorf("Int(-2) prints %q, want a true minus", r.Values[1].Text)
	}
}
