# The two set-up commands are `make` (build the site) and `make test`.
GO ?= go
BENCH_COUNT ?= 6

.PHONY: all site serve test bench clean

# Build the whole site into public/.
all: site

site:
	$(GO) run ./generator build

# Build, serve on http://127.0.0.1:8080 and rebuild while you edit.
serve:
	$(GO) run ./generator serve

# Vet and every test; this is what .ci/run calls.
test:
	$(GO) vet ./...
	$(GO) test ./...

# The benchmarks, summarised by benchstat; raw results in bench/latest.txt.
bench:
	@mkdir -p bench
	$(GO) test -run '^$$' -bench . -benchmem -count $(BENCH_COUNT) ./... | tee bench/latest.txt
	$(GO) tool benchstat bench/latest.txt

clean:
	rm -rf public .public.scratch .cache bench/latest.txt
