# syntax=docker/dockerfile:1
# Build: docker build -t dvcbot .
# Run:   docker run -p 8080:8080 -v dvcbot-data:/data dvcbot
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/dvcbot ./cmd/dvcbot \
 && CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/dvcctl ./cmd/dvcctl \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/dvcbot /out/dvcctl /usr/local/bin/
COPY --from=build --chown=nonroot:nonroot /out/data /data
ENV DVCBOT_ADDR=:8080 \
    DVCBOT_DATA_DIR=/data
USER nonroot:nonroot
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD ["/usr/local/bin/dvcctl", "healthcheck", "--url", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["/usr/local/bin/dvcbot"]
