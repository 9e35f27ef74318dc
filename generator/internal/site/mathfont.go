package site

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"

	"codeberg.org/go-fonts/latin-modern/lmmath"
	"github.com/nonconvex/explainer/generator/internal/font"
)

// The math font is Latin Modern Math, reduced to the glyphs the site's
// math draws (and the variants a browser may draw in their stead) and
// served as WOFF2: some 50 KB instead of 734. It follows the content: a
// symbol new to the site is in the next build's font, whose name, a hash
// of its bytes, changes with it.
//
// Subsetting takes tens of milliseconds; compressing the font with Brotli
// at its best quality takes over a second, so the WOFF2 is kept in the
// cache under a hash of the subset it packs, and a Builder keeps the last
// font it made.

// mathFontFormat names how the cached WOFF2 is made from the subset: the
// WOFF2 encoder and its Brotli settings. Changing them changes it.
const mathFontFormat = "woff2-brotli11-v1"

// mathFont is a build's math font: its characters and the WOFF2 file, nil
// if the site has no math.
type mathFont struct {
	chars string
	woff2 []byte
}

// mathChars returns, sorted, the characters the math of the site's pages
// draws.
func mathChars(c *content) string {
	set := make(map[rune]bool)
	for _, a := range c.all() {
		for _, r := range a.doc.MathText {
			set[r] = true
		}
	}
	return string(slices.Sorted(maps.Keys(set)))
}

// mathFont returns the math font for the characters, made once for each
// set of characters a Builder meets.
func (b *Builder) mathFont(chars string) (*mathFont, error) {
	b.fontMu.Lock()
	defer b.fontMu.Unlock()
	if b.font != nil && b.font.chars == chars {
		return b.font, nil
	}
	f := &mathFont{chars: chars}
	otf, err := font.Subset(lmmath.TTF, chars)
	switch {
	case errors.Is(err, font.ErrNoChars):
		// No math, or none the font draws: no font.
	case err != nil:
		return nil, fmt.Errorf("math font: %w", err)
	default:
		sum := sha256.Sum256(otf)
		key := hashKey(mathFontFormat, hex.EncodeToString(sum[:]))
		if data, err := b.cache.Blob(key); err == nil {
			f.woff2 = data
		} else {
			if !errors.Is(err, os.ErrNotExist) {
				b.logf("math font: %v; making it again", err)
			}
			if f.woff2, err = font.WOFF2(otf); err != nil {
				return nil, fmt.Errorf("math font: %w", err)
			}
			if err := b.cache.PutBlob(key, f.woff2); err != nil {
				b.logf("math font: %v", err)
			}
		}
	}
	b.font = f
	return f, nil
}

// hashKey returns a cache key made of the parts.
func hashKey(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// assetFiles returns the assets of a build whose math font is math, made
// again only when the font changes.
func (b *Builder) assetFiles(math *mathFont) (map[string][]byte, func(base string) assetURLs) {
	b.fontMu.Lock()
	defer b.fontMu.Unlock()
	if b.assets.of != math {
		b.assets.of = math
		b.assets.files, b.assets.urls = assetFiles(math)
	}
	return b.assets.files, b.assets.urls
}
