# The README's test command is `make test`; .ci/run runs it too.
GO ?= go

.PHONY: test vet vet-stockv1 race run bench

test: vet vet-stockv1 race

vet:
	$(GO) vet ./...

# bench/stockv1 is its own module (Wish v1), outside ./...; the load tool's
# smoke test (bench/load, part of `race`) builds and runs it.
vet-stockv1:
	$(GO) -C bench/stockv1 vet ./...

race:
	$(GO) test -race -count=1 ./...

run:
	$(GO) run ./cmd/resume

# The full load benchmark: a few minutes; see docs/performance.md.
bench:
	$(GO) run ./bench/cmd/load
