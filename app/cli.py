"""The `cencomm` command: serve, migrate, create-admin and demo."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Sequence

from app.config import Settings, get_settings


def _read_password(username: str) -> str:
    if sys.stdin.isatty():
        password = getpass.getpass(f"Password for {username}: ")
        repeated = getpass.getpass("Repeat the password: ")
        if password != repeated:
            raise SystemExit("error: the two passwords differ; nothing was created")
        return password
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


async def _create_admin(
    settings: Settings, username: str, password: str, country: str, display_name: str
) -> str:
    from pydantic import ValidationError

    from app.accounts.schemas import UserCreate
    from app.accounts.service import create_user
    from app.db import create_engine, create_sessionmaker
    from app.errors import AppError

    try:
        data = UserCreate(
            username=username,
            display_name=display_name or username,
            country=country,
            password=password,
            is_admin=True,
        )
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise SystemExit(f"error: {problems}") from None
    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            try:
                user = await create_user(session, data)
            except AppError as exc:
                raise SystemExit(f"error: {exc.detail}") from None
            await session.commit()
            return user.id
    finally:
        await engine.dispose()


def _cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    from app.migrate import upgrade_to_head

    upgrade_to_head(settings)
    print("Database is at the latest schema version.")
    return 0


def _cmd_create_admin(settings: Settings, args: argparse.Namespace) -> int:
    from app.migrate import upgrade_to_head

    upgrade_to_head(settings)
    password = _read_password(args.username)
    user_id = asyncio.run(
        _create_admin(
            settings, args.username, password, args.country, args.display_name
        )
    )
    print(f"Created administrator {args.username} (id {user_id}).")
    return 0


def _cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    from app.demo.loader import load_demo_blocking
    from app.migrate import upgrade_to_head

    upgrade_to_head(settings)
    load_demo_blocking(settings)
    return 0


def _cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from app.main import create_app
    from app.migrate import upgrade_to_head

    upgrade_to_head(settings)
    if args.demo:
        from app.demo.loader import load_demo_blocking

        load_demo_blocking(settings)
    uvicorn.run(
        create_app(settings),
        host=args.host,
        port=args.port,
        log_level=settings.log_level.lower(),
        ws_ping_interval=settings.ws_ping_interval_seconds,
        ws_ping_timeout=settings.ws_ping_timeout_seconds,
        # Client frames are small JSON objects; anything larger is not a client.
        ws_max_size=64 * 1024,
        # Longer than clients' usual idle expiry, so the client closes an idle
        # connection first and never sends on one the server is closing.
        timeout_keep_alive=30,
        proxy_headers=False,
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cencomm",
        description="Closed-user-group messaging server for joint operations.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser(
        "serve", help="apply pending migrations and serve the API"
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8000, help="TCP port to listen on")
    serve.add_argument(
        "--demo", action="store_true", help="load the demo operation before serving"
    )
    serve.set_defaults(handler=_cmd_serve)

    migrate = commands.add_parser("migrate", help="apply pending migrations")
    migrate.set_defaults(handler=_cmd_migrate)

    admin = commands.add_parser(
        "create-admin",
        help="create an administrator; the password is read from the terminal "
        "or as one line from standard input",
    )
    admin.add_argument("username", help="login name of the new administrator")
    admin.add_argument(
        "--country",
        default="BE",
        help="ISO 3166-1 alpha-2 country of the account (default: BE)",
    )
    admin.add_argument(
        "--display-name", default="", help="name shown to others (default: USERNAME)"
    )
    admin.set_defaults(handler=_cmd_create_admin)

    demo = commands.add_parser(
        "demo", help="load the demo operation once (a second run changes nothing)"
    )
    demo.set_defaults(handler=_cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = get_settings()
    except ValueError as exc:
        print(f"error: invalid settings: {exc}", file=sys.stderr)
        return 2
    return int(args.handler(settings, args))


if __name__ == "__main__":
    raise SystemExit(main())
