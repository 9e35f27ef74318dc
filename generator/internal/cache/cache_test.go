package cache

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/nonconvex/explainer/figures/lab"
)

func TestKey(t *testing.T) {
	if Key("a", "x=1", "") != "" {
		t.Error("a run with an unknown fingerprint got a key")
	}
	k := Key("a", "x=1", "fp")
	for _, other := range []string{Key("b", "x=1", "fp"), Key("a", "x=2", "fp"), Key("a", "x=1", "fq"), Key("ax", "=1", "fp")} {
		if other == k {
			t.Errorf("different runs share the key %s", k)
		}
	}
}

func TestPutGet(t *testing.T) {
	c := Cache{Dir: t.TempDir()}
	key := Key("a", "x=1", "fp")
	if _, err := c.Get(key); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Get of a missing entry = %v, want ErrNotExist", err)
	}
	out := &lab.Output{SVG: "<svg/>", CSV: "x\n1\n", Values: []lab.Value{{Name: "v", Text: "1", Number: 1}},
		Checks: []lab.Check{{Name: "c", Claim: "it holds", Passed: true, Detail: "1 = 1"}}}
	if err := c.Put(key, out); err != nil {
		t.Fatal(err)
	}
	got, err := c.Get(key)
	if err != nil || got.SVG != out.SVG || got.Values[0] != out.Values[0] || got.Checks[0] != out.Checks[0] {
		t.Errorf("Get = %+v, %v; want %+v", got, err, out)
	}
	leftovers, _ := filepath.Glob(filepath.Join(c.Dir, "*", ".tmp-*"))
	if len(leftovers) > 0 {
		t.Errorf("Put left %v", leftovers)
	}
}

func TestCorruptEntries(t *testing.T) {
	c := Cache{Dir: t.TempDir()}
	key := Key("a", "x=1", "fp")
	c.Put(key, &lab.Output{SVG: "<svg/>"})
	p := c.path(key)
	data, _ := os.ReadFile(p)
	for name, bad := range map[string][]byte{
		"flipped bit": append(append([]byte{}, data[:len(data)-3]...), data[len(data)-3]^1, data[len(data)-2], data[len(data)-1]),
		"truncated":   data[:len(data)/2],
		"no checksum": []byte(`{"svg":"<svg/>"}`),
		"empty":       {},
	} {
		os.WriteFile(p, bad, 0o644)
		if _, err := c.Get(key); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: Get = %v, want ErrCorrupt", name, err)
		}
	}
}

func TestZeroCacheCachesNothing(t *testing.T) {
	var c Cache
	if err := c.Put("k", &lab.Output{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get("k"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Get from the zero Cache = %v", err)
	}
}
