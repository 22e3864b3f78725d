# aip-emulator: slim, non-root, data directory as a volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    AIP_EMULATOR_HOST=0.0.0.0 \
    AIP_EMULATOR_PORT=8080 \
    AIP_EMULATOR_DATA_DIR=/data \
    AIP_EMULATOR_FIXTURES=/app/fixtures/default

WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY emulator ./emulator
COPY fixtures ./fixtures
RUN pip install --no-cache-dir -c constraints.txt . \
    && useradd --system --uid 10001 --home-dir /app emulator \
    && mkdir -p /data && chown emulator /data

USER emulator
VOLUME ["/data"]
EXPOSE 8080
# No curl in the image: the health check uses the Python that is already there.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ['AIP_EMULATOR_PORT']}/_emulator/health\", timeout=2)"]
ENTRYPOINT ["aip-emulator"]
CMD ["serve"]
