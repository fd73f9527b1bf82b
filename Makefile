# The README's test command is `make test`; .ci/run runs it too. For day
# to day work, `make check` (vet, lint and the quick tests) takes well under
# a minute.
GO ?= go

.PHONY: test check quick lint vet vet-stockv1 race hostile stress run bench release deploy-test

test: vet vet-stockv1 lint race hostile deploy-test

check: vet lint quick

# The tests without the race detector, the hostile-client suite
# (TestHostile*), the headless-Chromium page tests (TestBrowser*) and the
# long property runs (-short); `race` runs them all.
quick:
	$(GO) test -short -count=1 -skip '^(TestHostile|TestBrowser)' ./...

vet:
	$(GO) vet ./...
	$(GO) vet -tags hostile ./server

# bench/stockv1 is its own module (Wish v1), outside ./...; the load tool's
# smoke test (bench/load, part of `race`) builds and runs it.
vet-stockv1:
	$(GO) -C bench/stockv1 vet ./...

# golangci-lint, pinned, run through the module proxy so there is nothing
# to install by hand (.golangci.yml; the first run builds it). Every module
# of the tree: the server, the deploy tests and the Wish v1 baseline.
GOLANGCI_LINT_VERSION := v2.15.0
# --allow-serial-runners: a second lint on the same machine waits for the
# first instead of failing with "parallel golangci-lint is running".
LINT_FLAGS ?= --allow-serial-runners
GOLANGCI_LINT ?= $(GO) run github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)
lint:
	$(GOLANGCI_LINT) run $(LINT_FLAGS) ./...
	cd deploy && $(GOLANGCI_LINT) run $(LINT_FLAGS) ./...
	cd bench/stockv1 && $(GOLANGCI_LINT) run $(LINT_FLAGS) ./...

race:
	$(GO) test -race -count=1 ./...

# The slow hostile clients (2,000 silent connections, session churn, CPU
# under attack), without the race detector; `make hostile CHURN=5m` churns
# for longer. docs/security.md quotes what they measure.
CHURN ?= 30s
hostile:
	$(GO) test -tags hostile -count=1 -run '^TestSlow' -timeout 10m -v ./server -churn $(CHURN)

# stress runs race tests the way a busy CI machine does, with BURN busy
# loops beside them (killed after): no test may fail because the machine
# is loaded. make stress PKG=./server RUN=TestHostile COUNT=5 BURN=8.
PKG ?= ./...
RUN ?= .
COUNT ?= 3
BURN ?= 8
stress:
	@pids=; for i in $$(seq $(BURN)); do (while :; do :; done) & pids="$$pids $$!"; done; \
	trap 'kill $$pids' EXIT; \
	$(GO) test -race -count=$(COUNT) -run '$(RUN)' -timeout 60m $(PKG)

run:
	$(GO) run ./cmd/resume

# The full load benchmark: a few minutes; see docs/performance.md.
bench:
	$(GO) run ./bench/cmd/load

# release builds the binary the container image ships. The Dockerfile's build
# stage runs this same target, so the image and `make release` cannot differ
# in flags: a static binary (no cgo), no build paths in it (-trimpath), the
# version and commit stamped with -ldflags.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT ?= $(shell git rev-parse HEAD 2>/dev/null)
OUT ?= dist/resume
VERSION_PKG := github.com/laphets/resume/internal/version
RELEASE_LDFLAGS = -s -w -X $(VERSION_PKG).Version=$(VERSION) -X $(VERSION_PKG).Commit=$(COMMIT)

release:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(RELEASE_LDFLAGS)' -o '$(OUT)' ./cmd/resume

# deploy/ is its own module too: its tests prove the deployment files
# (Dockerfile, Compose, Kubernetes, systemd) with those formats' own heavy
# parsers, kept out of the server's dependencies.
deploy-test:
	$(GO) -C deploy vet ./...
	$(GO) -C deploy test -race -count=1 ./...
