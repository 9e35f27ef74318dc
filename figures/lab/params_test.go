package lab

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"
)

var paramsExp = &Experiment{
	Name: "params-test",
	Params: []Param{
		Int("hidden", 8, 1, 64, "hidden units"),
		Float("rate", 0.1, 1e-4, 10, "step size"),
		Bool("bias", true, "use biases"),
		Choice("loss", "square", []string{"square", "cross-entropy"}, "the loss"),
	},
	Run: func(context.Context, Args, *rand.Rand) (*Result, error) { return &Result{}, nil },
}

func TestParseFillsDefaultsAndCanonicalises(t *testing.T) {
	a, errs := paramsExp.Parse(map[string]string{"hidden": "016", "rate": "1e-1", "bias": "FALSE"})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	const want = "bias=false hidden=16 loss=square rate=0.1 seed=1"
	if got := a.Canonical(); got != want {
		t.Errorf("Canonical() = %q, want %q", got, want)
	}
	if a.Int("hidden") != 16 || a.Float("rate") != 0.1 || a.Bool("bias") || a.Choice("loss") != "square" || a.Seed() != 1 {
		t.Errorf("accessors disagree with %q", a.Canonical())
	}
	b := paramsExp.MustParse(map[string]string{"bias": "false", "hidden": "16"})
	if a.Canonical() != b.Canonical() {
		t.Errorf("equal arguments written differently have different canonical forms: %q, %q", a.Canonical(), b.Canonical())
	}
}

func TestParseReportsEveryBadParameter(t *testing.T) {
	_, errs := paramsExp.Parse(map[string]string{
		"hidden": "eight", "rate": "100", "bias": "maybe", "loss": "hinge", "width": "3", "seed": "-1",
	})
	want := []string{
		`parameter bias: want true or false, got "maybe"`,
		`parameter hidden: want an integer in [1, 64], got "eight"`,
		`parameter loss: want one of square, cross-entropy, got "hinge"`,
		`parameter rate: want a number in [0.0001, 10], got "100"`,
		`parameter seed: want an integer in [0, 2147483647], got "-1"`,
		`parameter width: experiment params-test has no such parameter (it has bias, hidden, loss, rate, seed)`,
	}
	if len(errs) != len(want) {
		t.Fatalf("got %d errors, want %d: %v", len(errs), len(want), errs)
	}
	for i, err := range errs {
		if err.Error() != want[i] {
			t.Errorf("error %d = %q, want %q", i, err, want[i])
		}
	}
}

func TestParseRejectsNaNAndFractionalInts(t *testing.T) {
	for _, given := range []map[string]string{{"rate": "NaN"}, {"hidden": "2.5"}, {"hidden": ""}, {"rate": "0x1p-3x"}} {
		if _, errs := paramsExp.Parse(given); len(errs) != 1 {
			t.Errorf("Parse(%v) gave %d errors, want 1", given, len(errs))
		}
	}
}

func TestAccessorOfWrongKindPanics(t *testing.T) {
	a := paramsExp.MustParse(nil)
	defer func() {
		if v := recover(); v == nil || !strings.Contains(v.(string), "hidden is a int, not a float") {
			t.Errorf("recover() = %v, want a kind mismatch", v)
		}
	}()
	a.Float("hidden")
}

func TestDeclaringABadDefaultPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("a default outside its range did not panic")
		}
	}()
	Int("n", 100, 1, 10, "doc")
}
