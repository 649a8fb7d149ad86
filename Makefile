# Redress: the two commands are `make run` and `make test`.
GO      ?= go
BIN     := bin/redress
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: build run test lint bench clean

build:
	$(GO) build -o $(BIN) .

## run: build, then serve on the embedded default PostgreSQL (or DATABASE_URL).
run: build
	./$(BIN) serve --demo

## test: the whole suite against a real PostgreSQL (see README).
test:
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

clean:
	rm -rf bin
