# syntax=docker/dockerfile:1

# The resume image: one static binary on an empty base, run as an
# unprivileged user, with its host key created at first start in the /data
# volume (never in the image).
#
#   docker build -t resume --build-arg VERSION="$(git describe --tags --always)" .
#   docker run -d --name resume -p 2222:23234 -v resume-data:/data resume
#   docker exec resume /resume fingerprint
#
# There is no Docker engine on the project's build machines: the tests in
# deploy/ parse this file, build the binary with the build stage's own
# command and run it in an empty root directory as uid 65532.

# The Go of go.mod (a test keeps them equal). The build runs on the builder's
# own platform and cross-compiles, so other platforms need no emulation.
FROM --platform=$BUILDPLATFORM golang:1.26.8-trixie AS build
WORKDIR /src
# Dependencies first: a code change reuses the download layer.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
ARG TARGETOS TARGETARCH
ARG VERSION=dev
ARG COMMIT=
# The release flags (CGO_ENABLED=0, -trimpath, the version stamped with
# -ldflags) live in one place, the Makefile's release target, which writes
# dist/resume.
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    GOOS="$TARGETOS" GOARCH="$TARGETARCH" make release VERSION="$VERSION" COMMIT="$COMMIT"
# The empty final image has no mkdir: make the data directory here, to be
# copied with its owner set. A volume mounted there starts with this owner.
RUN mkdir -p /empty/data

FROM scratch
ARG VERSION=dev
LABEL org.opencontainers.image.title="resume" \
      org.opencontainers.image.description="A résumé served over SSH as an interactive terminal app, and on the web" \
      org.opencontainers.image.version="$VERSION"
COPY --from=build /src/dist/resume /resume
COPY --from=build --chown=65532:65532 /empty/data /data
USER 65532:65532
ENV RESUME_ADDR=:23234 \
    RESUME_HTTP_ADDR=:23280 \
    RESUME_DATA_DIR=/data
VOLUME /data
# SSH, HTTP (the web page, text, JSON), and the metrics listener (/metrics,
# /healthz) when it is turned on with RESUME_METRICS_ADDR=:9234; it is off
# by default.
EXPOSE 23234/tcp 23280/tcp 9234/tcp
# Exec form: there is no shell in the image.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["/resume", "healthcheck"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/resume"]
CMD ["serve"]
