"""Cloud routes under the configurable base path (cloud-api.md §2): one function per operation."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["Cloud"])
