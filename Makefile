# The two set-up commands are `make` (build the site) and `make test`.
GO ?= go
BENCH_COUNT ?= 6

.PHONY: all site serve test bench publish clean

# Build the whole site into public/.
all: site

site:
	$(GO) run ./generator build

# Build, serve on http://127.0.0.1:8080 and rebuild while you edit.
serve:
	$(GO) run ./generator serve

# Build for the url in content/site.yaml and commit the site to the
# gh-pages branch of origin; flags in PUBLISH, such as PUBLISH=-dry-run.
publish:
	$(GO) run ./generator publish $(PUBLISH)

# Vet and every test; this is what .ci/run calls. The quality gates
# (generator/internal/quality) run the browser tools on every page, which
# on a busy machine takes longer than go test's default ten minutes.
test:
	$(GO) vet ./...
	$(GO) test -timeout 30m ./...

# The benchmarks, summarised by benchstat; raw results in bench/latest.txt.
bench:
	@mkdir -p bench
	$(GO) test -run '^$$' -bench . -benchmem -count $(BENCH_COUNT) ./... | tee bench/latest.txt
	$(GO) tool benchstat bench/latest.txt

clean:
	rm -rf public .public.scratch .cache .publish bench/latest.txt
