# Redress from source: a static binary on a small base image.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/redress .

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/* && useradd --system --home /var/lib/redress redress
COPY --from=build /out/redress /usr/local/bin/redress
USER redress
ENV REDRESS_ADDR=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["redress"]
CMD ["serve"]
