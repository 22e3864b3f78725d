#!/usr/bin/env bash
# Makes a local image that stands in for the Dockerfile's base (python:3.11-slim), for machines that reach Debian's
# and Python's package registries but no image registry (CI's among them). `make test-image` builds the project's
# image on top of it.
#
#   usage: .ci/stand-in-base.sh [TAG]     TAG defaults to the Dockerfile's FROM, docker.io/library/python:3.11-slim
#   needs: root, and the Debian packages podman, buildah and mmdebstrap
#
# How: mmdebstrap writes a Debian bookworm root file system (Python 3.11 with pip and venv, CA certificates) as a
# tarball, podman imports it as an image, and buildah adds what the official image has that Debian's Python lacks:
# `python` and `pip` on PATH, and no PEP 668 marker, so the Dockerfile's `pip install` works as it does there.
# Debian's tzdata is left out on purpose: the official slim image ships no zone database either, so the project's
# image has to bring its own (the `tzdata` Python package).
# It is a stand-in, not the real image: its Python is Debian's, not a build from python.org.
set -euo pipefail
TAG=${1:-docker.io/library/python:3.11-slim}
if podman image exists "$TAG" 2>/dev/null; then
  echo "stand-in base image already present: $TAG"
  exit 0
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
log() { echo "stand-in base: $*"; }
log "writing a Debian bookworm root file system (mmdebstrap)"
mmdebstrap --variant=apt --include=python3,python3-pip,python3-venv,ca-certificates,netbase \
    bookworm "$WORK/rootfs.tar" >"$WORK/mmdebstrap.log" 2>&1 \
  || { tail -n 30 "$WORK/mmdebstrap.log"; echo "mmdebstrap failed: is Debian's package registry reachable?"; exit 1; }
podman import "$WORK/rootfs.tar" localhost/aip-stand-in-rootfs:bookworm >/dev/null
# pip inside the image trusts what pip on this machine trusts (a proxy's certificate, where there is one).
cp /etc/ssl/certs/ca-certificates.crt "$WORK/ca-certificates.crt"
cat >"$WORK/Containerfile" <<'CONTAINERFILE'
FROM localhost/aip-stand-in-rootfs:bookworm
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
RUN rm -f /usr/lib/python3*/EXTERNALLY-MANAGED \
    && ln -sf /usr/bin/python3 /usr/local/bin/python \
    && ln -sf /usr/bin/pip3 /usr/local/bin/pip
CONTAINERFILE
log "adding python and pip (buildah)"
buildah bud --isolation chroot --pull=never -t "$TAG" -f "$WORK/Containerfile" "$WORK" >"$WORK/bud.log" 2>&1 \
  || { tail -n 30 "$WORK/bud.log"; exit 1; }
podman rmi localhost/aip-stand-in-rootfs:bookworm >/dev/null 2>&1 || true
log "built $TAG"
