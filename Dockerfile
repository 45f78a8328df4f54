# syntax=docker/dockerfile:1

# ---- build ----
FROM rust:1-bookworm AS builder
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p aftersail-server \
    && cp target/release/aftersail /usr/local/bin/aftersail

# ---- runtime ----
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home-dir /app --no-create-home --shell /usr/sbin/nologin aftersail \
    && mkdir -p /app/data && chown aftersail /app/data
WORKDIR /app
COPY --from=builder /usr/local/bin/aftersail /app/aftersail
COPY static/ /app/static/
USER aftersail
ENV AFTERSAIL_BIND=0.0.0.0:8080 \
    AFTERSAIL_STATIC_DIR=static
EXPOSE 8080
ENTRYPOINT ["/app/aftersail"]
CMD ["all"]
