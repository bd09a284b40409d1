# learnbot as a static binary in an empty image. Build and run:
#
#   docker build --build-arg VERSION="$(git describe --tags --always --dirty)" -t learnbot .
#   docker run -p 8080:8080 -v learnbot:/data learnbot
#
# Without LEARNBOT_DATABASE_URL it keeps an SQLite file in /data; compose.yaml
# runs it with PostgreSQL. Other subcommands: docker run learnbot migrate.

# The build runs on the builder's own platform and cross-compiles (no cgo),
# so a multi-platform build (docker buildx --platform linux/amd64,linux/arm64)
# needs no emulation. The tag goolm builds mautrix's pure-Go olm: Matrix's
# end-to-end encrypted rooms.
FROM --platform=$BUILDPLATFORM golang:1.26 AS build
# An image older than go.mod's go line fetches that toolchain.
ENV GOTOOLCHAIN=auto
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# VERSION is what learnbot version prints (main.version); empty: (devel).
ARG VERSION=
ARG TARGETOS TARGETARCH
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \
    go build -tags goolm -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/learnbot ./cmd/learnbot \
 && mkdir /out/data

# Time zones and CA roots are in the binary (cmd/learnbot/embed.go): the
# image needs nothing else.
FROM scratch
COPY --from=build /out/learnbot /learnbot
COPY --from=build --chown=65532:65532 /out/data /data
# The default database, sqlite:learnbot.db, lands in /data.
WORKDIR /data
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/learnbot"]
CMD ["serve"]
