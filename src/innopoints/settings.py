"""One typed settings object, read from ``INNOPOINTS_*`` environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_SECRET = "innopoints-development-secret-do-not-use-in-production"


class Settings(BaseSettings):
    """Runtime configuration. Every field maps to ``INNOPOINTS_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="INNOPOINTS_", env_file=None, extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    data_dir: Path = Field(default=Path("var"), description="Where the embedded database and reports live.")
    database_url: str = Field(default="", description="SQLAlchemy URL; empty means SQLite under data_dir.")
    region: str = Field(default="shenyang", description="Region pack under rulebook/<region>/.")
    secret_key: str = Field(default=DEVELOPMENT_SECRET, description="Signs sessions and CSRF tokens.")
    demo_mode: bool = Field(default=True, description="Show demo accounts and the synthetic-data banner.")
    node_modules: Path | None = Field(
        default=None,
        description="npm's node_modules with the browser libraries (ECharts, htmx) served under /vendor/; "
        "default: ./node_modules, then the source checkout's node_modules.",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    web_threads: int = Field(
        default=1,
        ge=1,
        le=64,
        description="Requests one web worker process runs at once (its thread pool). Python runs one thread "
        "at a time, so more threads only interleave the same CPU and pass the GIL around: with one, requests "
        "queue in order and latency is steadiest (ADR 0005). Raise it when long exports must not hold up the "
        "pages queued behind them in the same worker.",
    )

    @model_validator(mode="after")
    def _check(self) -> Settings:
        if self.environment == "production" and self.secret_key == DEVELOPMENT_SECRET:
            raise ValueError(
                "INNOPOINTS_SECRET_KEY must be set to a private value when INNOPOINTS_ENVIRONMENT=production"
            )
        if self.environment == "production" and len(self.secret_key) < 32:
            raise ValueError("INNOPOINTS_SECRET_KEY must be at least 32 characters in production")
        return self

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'innopoints.db').as_posix()}"

    @property
    def is_sqlite(self) -> bool:
        return self.effective_database_url.startswith("sqlite")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
