package serve

import (
	"slices"
	"testing"
)

func TestActionFor(t *testing.T) {
	old := manifest{
		"index.html":        {1},
		"a/index.html":      {2},
		"a/fig-x.svg":       {3},
		"a/fig-x.csv":       {4},
		"b/index.html":      {5},
		"b/fig-y.svg":       {6},
		"assets/style.css":  {7},
		"feed.xml":          {8},
		"404.html":          {9},
		"sitemap.xml":       {10},
		"experiments/x.txt": {11},
		"a/fig-v.svg":       {12},
		"a/fig-v.n-4.svg":   {13},
		"a/fig-v.n-4.csv":   {14},
	}
	change := func(edit func(m manifest)) manifest {
		m := make(manifest)
		for k, v := range old {
			m[k] = v
		}
		edit(m)
		return m
	}
	tests := []struct {
		name   string
		next   manifest
		file   string
		reload bool
		swap   []string
	}{
		{"nothing", old, "a/index.html", false, nil},
		{"own page", change(func(m manifest) { m["a/index.html"] = [32]byte{20} }), "a/index.html", true, nil},
		{"other page", change(func(m manifest) { m["b/index.html"] = [32]byte{20} }), "a/index.html", false, nil},
		{"own figure", change(func(m manifest) { m["a/fig-x.svg"] = [32]byte{20}; m["a/fig-x.csv"] = [32]byte{21} }),
			"a/index.html", false, []string{"a/fig-x.csv", "a/fig-x.svg"}},
		{"own varied figure", change(func(m manifest) {
			m["a/fig-v.svg"] = [32]byte{20}
			m["a/fig-v.n-4.svg"] = [32]byte{21}
			m["a/fig-v.n-4.csv"] = [32]byte{22}
		}),
			"a/index.html", false, []string{"a/fig-v.n-4.csv", "a/fig-v.n-4.svg", "a/fig-v.svg"}},
		{"other figure", change(func(m manifest) { m["b/fig-y.svg"] = [32]byte{20} }), "a/index.html", false, nil},
		{"stylesheet", change(func(m manifest) { m["assets/style.css"] = [32]byte{20} }), "a/index.html", true, nil},
		{"feed", change(func(m manifest) { m["feed.xml"] = [32]byte{20} }), "a/index.html", false, nil},
		{"headers for static hosts", change(func(m manifest) { m["_headers"] = [32]byte{20} }), "a/index.html", false, nil},
		{"a file without extension", change(func(m manifest) { m["a/LICENSE"] = [32]byte{20} }), "a/index.html", true, nil},
		{"own page deleted", change(func(m manifest) { delete(m, "a/index.html") }), "a/index.html", true, nil},
		{"missing page appears", change(func(m manifest) { m["c/index.html"] = [32]byte{20} }), "404.html", true, nil},
		{"new page elsewhere", change(func(m manifest) { m["c/index.html"] = [32]byte{20} }), "a/index.html", false, nil},
	}
	for _, tt := range tests {
		var h history
		from, to := h.add(old), h.add(tt.next)
		got := h.actionFor(from, to, tt.file)
		if got.reload != tt.reload || !slices.Equal(got.figures, tt.swap) {
			t.Errorf("%s: got %+v, want reload %v, figures %q", tt.name, got, tt.reload, tt.swap)
		}
	}
	var h history
	if got := h.actionFor("unknown", h.add(old), "a/index.html"); !got.reload {
		t.Errorf("a version no longer remembered does not reload")
	}
}

func TestHistoryBounded(t *testing.T) {
	var h history
	first := h.add(manifest{"x": {0}})
	for i := range historySize {
		h.add(manifest{"x": {byte(i + 1)}})
	}
	if _, ok := h.get(first); ok {
		t.Errorf("the oldest of %d versions is still remembered", historySize+1)
	}
	if len(h.byVer) != historySize {
		t.Errorf("%d versions remembered, want %d", len(h.byVer), historySize)
	}
}
