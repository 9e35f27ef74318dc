package cache

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

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

// Past its limit, the folder sheds the entries used least recently, a
// read counting as a use, down to three quarters of the limit.
func TestLimit(t *testing.T) {
	c := Cache{Dir: t.TempDir(), Limit: 10 << 10}
	entry := func(i int) (string, *lab.Output) {
		return Key("a", fmt.Sprintf("x=%d", i), "fp"), &lab.Output{SVG: strings.Repeat("x", 2000) + strconv.Itoa(i)}
	}
	past := time.Now().Add(-time.Hour)
	for i := range 4 {
		key, out := entry(i)
		if err := c.Put(key, out); err != nil {
			t.Fatal(err)
		}
		// Distinct times, oldest first, whatever the clock's resolution.
		at := past.Add(time.Duration(i) * time.Minute)
		os.Chtimes(c.path(key), at, at)
	}
	stale := filepath.Join(c.Dir, ".tmp-123")
	writeTemp := func() {
		os.WriteFile(stale, []byte("half an entry"), 0o644)
		os.Chtimes(stale, past, past)
	}
	writeTemp()
	first, _ := entry(0)
	if _, err := c.Get(first); err != nil { // the oldest, now the freshest
		t.Fatal(err)
	}
	for i := 4; i < 6; i++ {
		key, out := entry(i)
		if err := c.Put(key, out); err != nil {
			t.Fatal(err)
		}
	}
	var kept []int
	for i := range 6 {
		key, _ := entry(i)
		if _, err := os.Stat(c.path(key)); err == nil {
			kept = append(kept, i)
		}
	}
	if want := []int{0, 3, 4, 5}; !slices.Equal(kept, want) {
		t.Errorf("kept entries %v, want %v", kept, want)
	}
	if size := folderSize(t, c.Dir); size > c.Limit {
		t.Errorf("the folder holds %d bytes, past its limit of %d", size, c.Limit)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a stale temporary file survived the trim")
	}
}

func folderSize(t *testing.T, dir string) int64 {
	t.Helper()
	var n int64
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			info, _ := d.Info()
			n += info.Size()
		}
		return nil
	})
	return n
}

func TestParseSize(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
	}{{"128MB", 128 << 20}, {"2gb", 2 << 30}, {"500 KB", 500 << 10}, {"1000", 1000}, {"64M", 64 << 20}, {"0", 0}, {"7B", 7}} {
		if got, err := ParseSize(tt.in); err != nil || got != tt.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "MB", "-1MB", "1.5GB", "12 parsecs", "99999999999GB"} {
		if _, err := ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q) succeeded", bad)
		}
	}
}

func TestBlobs(t *testing.T) {
	c := Cache{Dir: t.TempDir()}
	key := Key("font", "chars", "v1")
	if _, err := c.Blob(key); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Blob of a missing entry = %v, want ErrNotExist", err)
	}
	data := []byte("wOF2\x00\x01\n\x02")
	if err := c.PutBlob(key, data); err != nil {
		t.Fatal(err)
	}
	if got, err := c.Blob(key); err != nil || string(got) != string(data) {
		t.Errorf("Blob = %q, %v; want %q", got, err, data)
	}
	if _, err := c.Get(key); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Get of a blob's key = %v, want ErrNotExist: blobs and outputs are apart", err)
	}
	p := c.blobPath(key)
	stored, _ := os.ReadFile(p)
	stored[len(stored)-1] ^= 1
	os.WriteFile(p, stored, 0o644)
	if _, err := c.Blob(key); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Blob of a damaged entry = %v, want ErrCorrupt", err)
	}
	if err := (&Cache{}).PutBlob(key, data); err != nil {
		t.Errorf("PutBlob without a folder = %v, want nil", err)
	}
}
