"""Record mode (`serve --proxy-to URL --record DIR`): every vendor request passes through to a real AIP, and each
request with its answer is written to DIR, credentials and tokens masked (docs/capture.md)."""
