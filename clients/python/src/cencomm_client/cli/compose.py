"""Building a message from the options of `cencomm-client send`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from cencomm_client.inputs import NewMessage, Recipients


class UsageError(Exception):
    """An option value the command cannot use; the command exits with 2."""


def parse_field(pair: str) -> tuple[str, Any]:
    """Split `key=value`; the value is JSON when it parses as JSON, else text.

    So `quantity=12.5` is a number, `transit_countries=["TH","LA"]` a list
    and `place=Cat Lai port` a string. NaN and Infinity stay text, because
    JSON has no such numbers.
    """
    key, separator, raw = pair.partition("=")
    key = key.strip()
    if not separator or not key:
        raise UsageError(f"--field {pair!r} must have the form key=value")
    try:
        value = json.loads(raw, parse_constant=_reject_constant)
    except ValueError:
        value = raw
    return key, value


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def read_fields_file(path: str) -> dict[str, Any]:
    """Read a JSON object of fields from a file, or from standard input for `-`."""
    text = _read_text(path, "--fields-file")
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"--fields-file {path}: invalid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise UsageError(f"--fields-file {path} must hold a JSON object")
    return value


def read_body(args: argparse.Namespace) -> str | None:
    """Return the body of --body, or of --body-file (`-` reads standard input)."""
    if args.body_file is not None:
        return _read_text(args.body_file, "--body-file")
    result: str | None = args.body
    return result


def _read_text(path: str, option: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{option} {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{option} {path} is not UTF-8 text") from None


def collect_fields(args: argparse.Namespace) -> dict[str, Any] | None:
    """Merge --fields-file and --field pairs; a --field wins over the file."""
    fields: dict[str, Any] = {}
    if args.fields_file is not None:
        fields.update(read_fields_file(args.fields_file))
    for pair in args.field or []:
        key, value = parse_field(pair)
        fields[key] = value
    if not fields and args.fields_file is None:
        return None
    return fields


def check_attachments(paths: list[str]) -> list[Path]:
    """Return the --attach paths, raising UsageError for one that is not a file."""
    checked = []
    for path in paths:
        candidate = Path(path)
        if not candidate.is_file():
            raise UsageError(f"--attach {path}: no such file")
        checked.append(candidate)
    return checked


def build_recipients(args: argparse.Namespace) -> Recipients:
    return Recipients(
        roles=args.role or [],
        my_country=args.my_country,
        countries=args.country or [],
        users=args.user or [],
    )


def build_message(args: argparse.Namespace, attachment_ids: list[str]) -> NewMessage:
    """Build the message of `send` from its options and the uploaded files."""
    return NewMessage(
        type=args.type,
        subject=args.subject,
        body=read_body(args),
        body_format="html" if args.html else None,
        fields=collect_fields(args),
        recipients=build_recipients(args),
        attachment_ids=attachment_ids or None,
        in_reply_to=args.reply_to,
        forward_of=args.forward_of,
    )
