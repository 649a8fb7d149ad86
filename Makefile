# Redress: the two commands are `make run` and `make test`.
GO      ?= go
BIN     := bin/redress
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
# The OpenAPI linters (Redocly CLI, Spectral), pinned by their lock file.
OPENAPI_TOOLS := tools/openapi

.PHONY: build run test lint lint-openapi bench bench-clean clean screenshots

build:
	$(GO) build -o $(BIN) .

## run: build, then serve on the embedded default PostgreSQL (or DATABASE_URL).
run: build
	./$(BIN) serve --demo

## test: the whole suite against a real PostgreSQL (see README), then the
## benchmark module's own tests (bench/ is a module of its own). The suite
## runs the OpenAPI linters: they are installed first (npm ci) when missing
## or when their lock file changed.
test: $(OPENAPI_TOOLS)/node_modules/.package-lock.json
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 30m ./...
	cd bench && $(GO) vet ./...
	cd bench && $(GO) test -race -count=1 -timeout 30m ./...

## screenshots: the browser tests alone; they refresh docs/screenshots/ (and test-output/).
screenshots:
	REDRESS_UPDATE_SCREENSHOTS=1 $(GO) test -count=1 -run 'TestBrowser' ./server/

## bench: a million cases, Redress against pgbench's ceiling (minutes; never part of test).
## BENCH_FLAGS passes options, e.g. BENCH_FLAGS='-duration 5s -scenarios queue,search'.
## It runs from bench/, its own module, so vegeta and x/sync stay out of the server's go.mod.
bench: build
	cd bench && $(GO) run . $(BENCH_FLAGS)

## bench-clean: drop the benchmark's database (redress_bench).
bench-clean:
	cd bench && $(GO) run . -clean

## lint-openapi: the OpenAPI linters alone, on server/api/openapi.yaml
## (the suite runs them too, on the served document: TestOpenAPILinters).
lint-openapi: $(OPENAPI_TOOLS)/node_modules/.package-lock.json
	cd $(OPENAPI_TOOLS) && REDOCLY_TELEMETRY=off ./node_modules/.bin/redocly lint --config redocly.yaml ../../server/api/openapi.yaml
	cd $(OPENAPI_TOOLS) && ./node_modules/.bin/spectral lint --ruleset .spectral.yaml --fail-severity warn ../../server/api/openapi.yaml

# npm ci writes node_modules/.package-lock.json: newer than the lock file
# once the tools the lock file names are installed.
$(OPENAPI_TOOLS)/node_modules/.package-lock.json: $(OPENAPI_TOOLS)/package-lock.json $(OPENAPI_TOOLS)/package.json
	npm ci --prefix $(OPENAPI_TOOLS)

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...
	cd bench && $(GO) vet ./...
	cd bench && $(GO) run $(STATICCHECK) ./...

clean:
	rm -rf bin
