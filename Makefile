# The README's test command is `make test`; .ci/run runs it too.
GO ?= go

.PHONY: test vet race run

test: vet race

vet:
	$(GO) vet ./...

race:
	$(GO) test -race -count=1 ./...

run:
	$(GO) run ./cmd/resume
