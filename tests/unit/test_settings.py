"""The typed settings object: environment variables, defaults and the secret-key guard."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from innopoints.settings import DEVELOPMENT_SECRET, Settings


def test_defaults_use_embedded_sqlite_under_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "INNOPOINTS_DATABASE_URL",
        "INNOPOINTS_DATA_DIR",
        "INNOPOINTS_REGION",
        "INNOPOINTS_ENVIRONMENT",
    ):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.effective_database_url == "sqlite:///var/innopoints.db"
    assert settings.is_sqlite and settings.region == "shenyang"


def test_environment_variables_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INNOPOINTS_DATABASE_URL", "postgresql+psycopg://u@127.0.0.1:5432/prod")
    monkeypatch.setenv("INNOPOINTS_DATA_DIR", "/srv/innopoints")
    monkeypatch.setenv("INNOPOINTS_PORT", "9000")
    settings = Settings()
    assert settings.effective_database_url.startswith("postgresql+psycopg://")
    assert not settings.is_sqlite
    assert settings.data_dir == Path("/srv/innopoints") and settings.port == 9000


def test_production_refuses_the_development_secret() -> None:
    with pytest.raises(ValidationError, match="INNOPOINTS_SECRET_KEY"):
        Settings(environment="production", secret_key=DEVELOPMENT_SECRET)


def test_production_refuses_a_short_secret() -> None:
    with pytest.raises(ValidationError, match="32"):
        Settings(environment="production", secret_key="short-secret")


def test_production_accepts_a_private_secret() -> None:
    settings = Settings(environment="production", secret_key="x" * 40)
    assert settings.environment == "production"


def test_unknown_environment_is_rejected() -> None:
    with pytest.raises(ValidationError):
        Settings(environment="staging")  # type: ignore[arg-type]
