package site

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"strings"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/styles"
)

//go:embed assets/style.css
var styleCSS string

// markupCSS styles what the markup writes: MathML, equations, tables,
// heading anchors and citations. It follows the stylesheet.
//
//go:embed assets/markup.css
var markupCSS string

// assetURLs are the addresses of the fingerprinted assets.
type assetURLs struct {
	CSS     string // the stylesheet of every page
	CodeCSS string // the colours of highlighted code, for the pages that show some
	Icon    string // the site's icon, as SVG
}

// assetFiles returns a build's assets by output path, each named by a hash
// of its content so that it can be cached forever, and their addresses.
// The math font, if the site has math, is one of them.
func assetFiles(math *mathFont) (map[string][]byte, func(base string) assetURLs) {
	files := make(map[string][]byte)
	css := styleCSS + markupCSS
	if math.woff2 != nil {
		mathFont := hashedName("assets/latinmodern-math", ".woff2", math.woff2)
		files[mathFont] = math.woff2
		// The stylesheet names the font relative to itself, so it works
		// under any base path.
		css = strings.Replace(css, "{{math-font}}", strings.TrimPrefix(mathFont, "assets/"), 1)
	} else {
		css = withoutFontFace(css)
	}
	cssName := hashedName("assets/style", ".css", []byte(css))
	files[cssName] = []byte(css)
	// Few pages show code: the others need not load its colours.
	code := codeCSS()
	codeName := hashedName("assets/code", ".css", code)
	files[codeName] = code
	icon := iconSVG()
	iconName := hashedName("assets/icon", ".svg", icon)
	files[iconName] = icon
	return files, func(base string) assetURLs {
		return assetURLs{CSS: base + cssName, CodeCSS: base + codeName, Icon: base + iconName}
	}
}

// withoutFontFace returns the stylesheet without its @font-face rule, for
// a site with no math to draw with the font it names.
func withoutFontFace(css string) string {
	start := strings.Index(css, "@font-face {")
	if start < 0 {
		return css
	}
	end := strings.Index(css[start:], "}\n")
	if end < 0 {
		return css
	}
	return css[:start] + css[start+end+2:]
}

func hashedName(stem, ext string, data []byte) string {
	sum := sha256.Sum256(data)
	return stem + "." + hex.EncodeToString(sum[:])[:10] + ext
}

// codeCSS styles highlighted code: chroma classes for a light and a dark
// scheme.
func codeCSS() []byte {
	var b bytes.Buffer
	b.WriteString("/* Code highlighting (chroma). */\n")
	writeChroma(&b, styles.Get("github"))
	b.WriteString("@media (prefers-color-scheme: dark) {\n")
	writeChroma(&b, styles.Get("github-dark"))
	b.WriteString("}\n")
	return b.Bytes()
}

func writeChroma(b *bytes.Buffer, style *chroma.Style) {
	f := chromahtml.New(chromahtml.WithClasses(true))
	var css bytes.Buffer
	f.WriteCSS(&css, style)
	// The page sets the code background; chroma's would fight it.
	for _, line := range strings.SplitAfter(css.String(), "\n") {
		if strings.Contains(line, ".bg {") || strings.Contains(line, ".chroma {") {
			continue
		}
		b.WriteString(line)
	}
}
