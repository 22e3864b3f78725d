# aip-emulator: slim, non-root, data directory as a volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    AIP_EMULATOR_HOST=0.0.0.0 \
    AIP_EMULATOR_PORT=8080 \
    AIP_EMULATOR_DATA_DIR=/data

WORKDIR /app
# The dependencies first, in a layer of their own: editing the code does not reinstall them.
COPY pyproject.toml constraints.txt ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > requirements.txt \
    && pip install --no-cache-dir -c constraints.txt -r requirements.txt
# Then the code; the wheel carries the default fixtures (fixtures/ is copied in by setup.py).
COPY setup.py MANIFEST.in README.md LICENSE ./
COPY fixtures ./fixtures
COPY emulator ./emulator
RUN pip install --no-cache-dir --no-deps . \
    && useradd --system --uid 10001 --home-dir /app emulator \
    && mkdir -p /data && chown emulator /data

USER emulator
VOLUME ["/data"]
EXPOSE 8080
# No curl in the image: the health check uses the Python that is already there.
# Health answers 503 while the server seeds itself (minutes for 100k assets): the start period covers that.
HEALTHCHECK --interval=10s --timeout=3s --start-period=600s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ['AIP_EMULATOR_PORT']}/_emulator/health\", timeout=2)"]
ENTRYPOINT ["aip-emulator"]
CMD ["serve"]
