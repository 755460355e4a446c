"""Settings read from `CENCOMM_*` environment variables."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path("cencomm-data")
SECRET_FILE_NAME = "secret_key"
# Values that look like a secret but were copied from an example.
PLACEHOLDER_SECRETS = frozenset({"", "change-me", "changeme", "secret", "dev"})


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CENCOMM_", extra="ignore")

    environment: Literal["development", "production", "test"] = "development"
    database_url: str = ""
    data_dir: Path = DEFAULT_DATA_DIR
    secret_key: str = ""

    access_token_minutes: int = Field(default=15, ge=1, le=24 * 60)
    refresh_token_days: int = Field(default=14, ge=1, le=365)
    login_max_failures: int = Field(default=10, ge=1)
    login_failure_window_minutes: int = Field(default=15, ge=1)

    max_attachment_bytes: int = Field(default=20 * 1024 * 1024, ge=1)
    max_attachments: int = Field(default=20, ge=0)
    max_json_bytes: int = Field(default=1024 * 1024, ge=1024)
    max_body_chars: int = Field(default=20_000, ge=1)

    ws_auth_timeout_seconds: float = Field(default=10.0, gt=0)
    ws_ping_interval_seconds: float = Field(default=20.0, gt=0)
    ws_ping_timeout_seconds: float = Field(default=20.0, gt=0)
    ws_send_queue_size: int = Field(default=1000, ge=1)

    log_format: Literal["console", "json"] = "console"
    log_level: str = "INFO"

    @model_validator(mode="after")
    def _reject_placeholder_secret(self) -> Settings:
        if self.environment != "development" and (
            self.secret_key in PLACEHOLDER_SECRETS or len(self.secret_key) < 32
        ):
            raise ValueError(
                "CENCOMM_SECRET_KEY must be set to a random value of at least "
                f"32 characters when CENCOMM_ENVIRONMENT is {self.environment}"
            )
        return self

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'cencomm.sqlite3').resolve()}"

    @property
    def is_sqlite(self) -> bool:
        return self.effective_database_url.startswith("sqlite")

    @property
    def attachments_dir(self) -> Path:
        return self.data_dir / "attachments"

    def resolved_secret_key(self) -> str:
        """Return the signing key, creating and keeping one in development."""
        if self.secret_key:
            return self.secret_key
        if self.environment != "development":
            raise RuntimeError("CENCOMM_SECRET_KEY is required outside development")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        path = self.data_dir / SECRET_FILE_NAME
        if not path.exists():
            key = secrets.token_urlsafe(48)
            path.touch(mode=0o600)
            path.write_text(key)
        self.secret_key = path.read_text().strip()
        return self.secret_key


@lru_cache
def get_settings() -> Settings:
    return Settings()
