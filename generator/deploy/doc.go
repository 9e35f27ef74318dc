// Package deploy holds what it takes to host the site elsewhere than
// GitHub Pages, and the tests that show it works: nginx.conf serves the
// built site under a path of a host, as a Debian nginx would. The
// generator writes the same policy into every build as _headers, for
// Netlify and Cloudflare Pages. The GitHub Actions workflow that deploys
// to GitHub Pages, .github/workflows/pages.yml, is checked here too.
package deploy
