// Package quality holds the quality gates of the built explainer, as
// tests: they build the real explainer once, serve it from 127.0.0.1 and
// check what a reader gets.
//
//   - The Nu HTML Checker (vnu) finds no error in any page or figure.
//   - axe-core, run in Chromium on every page at 375 and 1280 pixels wide,
//     in the light and the dark scheme, finds no violation of any impact.
//   - Lighthouse, on a simulated phone, scores every page 100 in
//     accessibility, best practices and SEO, and passes the performance
//     audits that judge the page, not the machine: no layout shift, sized
//     images, the largest picture not lazy, text shown while the math font
//     loads, compressed text. The performance score, which follows the
//     machine's load, is logged, not gated (lighthouse_test.go says why).
//   - The math font, subset to what the pages draw, has every character
//     their math shows.
//
// The tools come from npm, pinned in generator/tools/package-lock.json:
// run npm ci in generator/tools (.ci/run does). vnu needs Java, the
// browser tests Debian's chromium. A test whose tool is missing is
// skipped, unless EXPLAINER_REQUIRE_BROWSER is set, as in CI, when it
// fails. With -short, nothing here runs: the tests need the whole
// explainer, built once. vnu, axe-core (in two tabs of one Chromium)
// and Lighthouse (in two Chromiums) run in parallel:
// the one measure another's load could change is Lighthouse's
// performance score, which is not gated; the performance audits that are
// gated do not depend on it.
package quality
