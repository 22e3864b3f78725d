"""Typed settings: one env prefix, defaults that run with zero configuration."""

from __future__ import annotations

import os
import sys
import zoneinfo
from importlib.resources import files
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PACKAGE_ROOT = Path(__file__).resolve().parent
# The source of the default data set, at the top of a checkout; the wheel ships a copy as `emulator/_fixtures`.
SOURCE_FIXTURES = PACKAGE_ROOT.parent / "fixtures"


def shipped_fixtures() -> Path | None:
    """The fixture directories the installed package carries (`emulator/_fixtures`), if it carries them."""
    shipped = files("emulator").joinpath("_fixtures")
    return shipped if isinstance(shipped, Path) and shipped.joinpath("default").is_dir() else None


def fixtures_root() -> Path:
    """The packaged fixtures of an installed wheel, else the source of a checkout (an editable install)."""
    return shipped_fixtures() or SOURCE_FIXTURES


def default_fixtures() -> Path:
    """The default data set's directory, looked up when asked for (importing the settings reads no file system)."""
    return fixtures_root() / "default"


ENV_PREFIX = "AIP_EMULATOR_"


def interactive() -> bool:
    """Whether long steps show progress bars: when standard error is a terminal (never in logs or captured output)."""
    return sys.stderr.isatty()


class Settings(BaseSettings):
    """Everything the emulator can be told; every field is also `AIP_EMULATOR_<NAME>`."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    host: str = Field(default="127.0.0.1", description="address to listen on")
    port: int = Field(default=8080, ge=0, le=65535, description="port to listen on")
    data_dir: Path = Field(default=Path(".aip-emulator"), description="database, index and snapshots")
    fixtures: Path = Field(
        default_factory=default_fixtures, description="fixture directory a new data dir is seeded from"
    )
    context_path: str = Field(default="", description="Jira context path, e.g. /jira")
    time_zone: str = Field(default="UTC", description="IANA zone dates are read and shown in")
    customfield_id: str = Field(default="customfield_10100", description="the customfieldId of every asset")
    max_page_size: int = Field(default=1000, ge=1, description="larger pageSize values are a 400")
    max_clause_count: int = Field(
        default=1024, ge=1, description="clauses one query may have (Lucene's maxClauseCount); more is a 400"
    )
    max_expansions: int = Field(
        default=250_000, ge=1, description="index terms one wildcard, regex, fuzzy or range term may expand to"
    )
    shutdown_grace_s: float = Field(
        default=3.0, gt=0, description="seconds `serve` waits for running requests after SIGTERM before it exits"
    )
    search_time_limit_s: float = Field(
        default=2.0, gt=0, description="seconds one search may run before it stops with a 400 naming its costly part"
    )
    base_url: str | None = Field(default=None, description="Jira base URL shown in links; default: the request's")
    cloud_base_path: str = Field(default="/api/v1", description="where the Cloud API is served")
    tenant: str = Field(default="emulator", description="the `tenant` claim Cloud tokens must carry")
    jwt_secret: str | None = Field(default=None, description="HS256 secret; generated and kept in the data dir")
    seed: int | None = Field(default=None, description="makes generated ids and secrets reproducible")
    control_auth: bool = Field(
        default=False, description="require an administrator's Basic credentials on /_emulator/ (health excepted)"
    )
    max_body_bytes: int = Field(default=1_048_576, ge=1, description="largest request body accepted (else 413)")
    journal_size: int = Field(default=1000, ge=0, description="requests the journal keeps (0 turns it off)")
    journal_body_limit: int = Field(default=4096, ge=0, description="bytes of each body the journal keeps")
    strict: bool = Field(
        default=False, description="an unknown field, sort field or option in a search is a 400, not a warning"
    )
    max_namespaces: int = Field(default=64, ge=0, description="namespaces that may exist besides `default`")
    namespace_idle_s: float = Field(default=0, ge=0, description="delete namespaces idle this long; 0: never")
    namespaces_auto_create: bool = Field(default=True, description="create an unknown namespace on first use")
    namespace: str = Field(default="default", description="internal: the namespace an emulator serves")
    access_log: bool = Field(default=False, description="log every request (method, path, status)")
    flush_interval_ms: int = Field(
        default=1000, ge=1, description="how often recent writes are flushed from memory to the search index"
    )
    flush_batch: int = Field(default=500, ge=1, description="waiting changes that trigger a flush at once")
    flush_process_from: int = Field(
        default=64,
        ge=0,
        description="flush batches of this many changes are written by an index worker process beside the server "
        "(off its interpreter lock); smaller ones in the server; 0: never a worker process",
    )
    index_procs: int = Field(
        default=2,
        ge=1,
        description="writer processes of a full index build of 5000+ assets (a segment each; at most the cores)",
    )
    cache_postings: int = Field(default=8192, ge=1, description="document sets (postings, leaf results) cached")
    cache_postings_mb: float = Field(default=64, gt=0, description="approximate MB of cached document sets")
    cache_columns_mb: float = Field(default=128, gt=0, description="approximate MB of sort and number columns cached")
    cache_ranks_mb: float = Field(default=32, gt=0, description="approximate MB of sort ranks cached")
    cache_lexicons_mb: float = Field(default=32, gt=0, description="approximate MB of term lists cached (wildcards)")
    cache_positions_mb: float = Field(
        default=32, gt=0, description="approximate MB of words' decoded posting blocks cached (phrases)"
    )
    cache_views: int = Field(default=20_000, ge=1, description="asset views cached for rendering search pages")
    header_timeout_s: float = Field(
        default=10.0, gt=0, description="a connection must finish each request's headers this soon, else 408 and closed"
    )
    crash_at: str | None = Field(
        default=None,
        description="testing only: kill the process (SIGKILL) at this named step of a whole-state change "
        "(`step` or `step@n` for its n-th pass; steps in docs/durability.md)",
    )
    proxy_to: str | None = Field(
        default=None, description="record mode: pass every API request through to this AIP's base URL"
    )
    record: Path | None = Field(default=None, description="with proxy_to: write each request and answer here")
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="origins allowed by CORS, comma-separated (`*` for any); empty: CORS off"
    )
    allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Host names answered besides loopback ones, comma-separated (`*` for any): DNS-rebinding guard",
    )

    @field_validator("context_path", "cloud_base_path")
    @classmethod
    def _normalise_context_path(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value and not value.startswith("/"):
            value = "/" + value
        return value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip().rstrip("/") for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return [host.strip().lower() for host in value.split(",") if host.strip()]
        return value

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except Exception as exc:
            raise ValueError(_unknown_zone(value)) from exc
        return value

    @field_validator("index_procs")
    @classmethod
    def _at_most_the_cores(cls, value: int) -> int:
        most = max_index_procs()
        if value > most:
            raise ValueError(f"at most {most} writer processes (this machine's cores; each one keeps a core busy)")
        return value

    @property
    def database_path(self) -> Path:
        return self.data_dir / "emulator.db"

    @property
    def index_path(self) -> Path:
        return self.data_dir / "index"


def max_index_procs() -> int:
    """The most index writer processes a build may start: one per core (never fewer than the default's two)."""
    return max(os.cpu_count() or 1, 2)


def _unknown_zone(name: str) -> str:
    """Why `name` is no zone, and what to do: another name, or a zone database where this Python has none."""
    if not zoneinfo.available_timezones():
        return f"unknown time zone {name!r}: this Python finds no time-zone database; pip install tzdata"
    return f"unknown time zone {name!r}; use an IANA name such as UTC or Europe/Berlin"
