# callbrief's container image: `docker build -t callbrief .` (or `podman build`), then
# `docker run -p 8080:8080 -v callbrief-data:/data --env-file callbrief.env callbrief`.
# Render builds it from render.yaml. See docs/deployment.md; scripts/check-deploy builds and starts
# this image (or, where no container engine runs, replays its steps in a Debian 12 chroot).

# --- build: Debian 12 with the compiler and the -dev libraries ------------------------------------
FROM debian:12 AS build
WORKDIR /src
# scripts/setup --build installs only what building the service needs (toolchain, libraries, Node.js
# for the UI's npm package); copied alone first so this layer is reused while only sources change.
# Behind a TLS-inspecting proxy npm needs the proxy's CA: pass a file with it, e.g.
#   --volume /etc/ssl/certs/ca-certificates.crt:/run/host-ca.crt:ro --build-arg NODE_EXTRA_CA_CERTS=/run/host-ca.crt
ARG NODE_EXTRA_CA_CERTS
COPY scripts/setup scripts/setup
COPY package.json package-lock.json ./
RUN scripts/setup --build && rm -rf /var/lib/apt/lists/*
COPY . .
# Only the service (the `callbrief` target builds callbrief and its audio helper callbrief-audio):
# the same flags as a developer's `scripts/build release` (warnings are errors), so an image is
# built exactly like the binaries the tests ran against.
RUN scripts/build release callbrief && strip build/callbrief build/callbrief-audio

# --- runtime: Debian 12 slim with only the shared libraries the binary links ----------------------
FROM debian:12-slim
# The runtime packages of the libraries `readelf -d build/callbrief build/callbrief-audio` lists (docs/deployment.md,
# "Building"); scripts/check-deploy fails when the binary needs a library this list misses.
# ca-certificates for HTTPS to the providers; curl only for the HEALTHCHECK below.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libavformat59 libavcodec59 libswresample4 libavutil57 libcurl4 libssl3 libpq5 \
      libsqlite3-0 libstemmer0d libspdlog1.10 libfmt9 libmicrohttpd12 libprometheus-cpp-core1.0 \
      ca-certificates curl \
 && rm -rf /var/lib/apt/lists/*
# A fixed uid, so a bind-mounted host directory can be given to it (`chown 10001 /srv/callbrief`).
RUN useradd --system --uid 10001 --user-group --home-dir /data --no-create-home \
      --shell /usr/sbin/nologin callbrief \
 && install -d -o callbrief -g callbrief -m 750 /data
# callbrief runs callbrief-audio (FFmpeg) from its own directory for each recording.
COPY --from=build /src/build/callbrief /src/build/callbrief-audio /usr/local/bin/
# Everything callbrief keeps lives in one volume: the SQLite database (unless DATABASE_URL points
# at PostgreSQL), the recordings and audio chunks, instance-id; an optional /data/.env is read too.
ENV DATA_DIR=/data \
    DATABASE_URL=sqlite:///data/callbrief.db \
    PORT=8080
WORKDIR /data
VOLUME /data
USER callbrief
EXPOSE 8080
# Liveness only (/healthz answers while the process serves HTTP); Render checks /readyz itself.
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s \
  CMD curl -fsS "http://127.0.0.1:${PORT}/healthz" >/dev/null || exit 1
# SIGTERM (docker stop, Render) stops intake and gives running stages 20 s: keep the platform's
# grace period above that (docker run --stop-timeout 30; Render allows 30 s).
STOPSIGNAL SIGTERM
CMD ["callbrief", "serve"]
