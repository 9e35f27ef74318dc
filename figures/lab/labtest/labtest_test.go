package labtest

import (
	"strings"
	"testing"
)

const (
	head = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="480" height="320" viewBox="0 0 360 240" font-size="12">` +
		`<style>@media (prefers-color-scheme:dark){text:not([fill]){fill:#E6E6E3}}</style>`
	png1x1 = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)

// Each broken figure must be caught, with a message that says why; the
// sound one must pass.
func TestCheckFindsEveryDeparture(t *testing.T) {
	for _, c := range []struct {
		name, svg, want string
	}{
		{"sound", head + `<g class="data"><path d="M10 200L350 10" fill="none" stroke="#0072B2" stroke-width="1.75"/></g>` +
			`<g class="legend"><text x="20" y="30">rising</text></g><text x="340" y="230">1.5</text></svg>`, ""},
		{"tick past the edge", head + `<text x="348" y="230">1.5</text></svg>`, `text "1.5" reaches`},
		{"accent above the top", head + `<text x="100" y="9">Ŵ</text></svg>`, `text "Ŵ" reaches`},
		{"turned label past the left", head + `<text x="5" y="120" transform="rotate(-90 5 120)">loss</text></svg>`, `text "loss" reaches`},
		{"small text", head + `<text x="100" y="100" font-size="10">tiny</text></svg>`, `under 11 px`},
		{"combining accent", head + "<text x=\"100\" y=\"100\">θ\u0302</text></svg>", "combining mark"},
		{"legend over a line", head + `<g class="data"><path d="M10 200L350 10" fill="none" stroke="#0072B2" stroke-width="1.75"/></g>` +
			`<g class="legend"><text x="150" y="105">rising</text></g></svg>`, "hides data"},
		{"legend over a dot", head + `<g class="data"><path d="M24 30A3 3 0 0 0 30 30A3 3 0 0 0 24 30" fill="#0072B2"/></g>` +
			`<g class="legend"><text x="20" y="30">a dot</text></g></svg>`, "hides data"},
		{"jpg label", head + `<image x="10" y="10" width="100" height="100" preserveAspectRatio="none" xlink:href="data:image/jpg;base64,iVBORw0KGgo="/></svg>`, "not PNG data labelled image/png"},
		{"squeezed image", head + `<image x="10" y="10" width="100" height="100" xlink:href="` + png1x1 + `"/></svg>`, "keeps its aspect ratio"},
		{"heat map without a bar", head + `<image x="10" y="10" width="100" height="100" preserveAspectRatio="none" class="light" xlink:href="` + png1x1 + `"/></svg>`, "no colour bar"},
		{"no dark scheme", `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 360 240" font-size="12"></svg>`, "no style sheet"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := strings.Join(Check([]byte(c.svg)), "\n")
			if c.want == "" && got != "" || !strings.Contains(got, c.want) {
				t.Errorf("Check found %q, want %q", got, c.want)
			}
		})
	}
}
