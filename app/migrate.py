"""Apply Alembic migrations from code, wherever the package is installed."""

from __future__ import annotations

from pathlib import Path

import anyio.to_thread
from alembic import command
from alembic.config import Config

from app.config import Settings

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(settings: Settings) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["database_url"] = settings.effective_database_url
    return config


def upgrade_to_head(settings: Settings) -> None:
    """Apply every pending migration (blocking; it runs its own event loop)."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(settings), "head")


async def upgrade_to_head_async(settings: Settings) -> None:
    await anyio.to_thread.run_sync(upgrade_to_head, settings)
