"""Time the messages database search on an operation of many messages.

Usage:

    python bench/search_bench.py --database-url sqlite+aiosqlite:////tmp/b.sqlite3
    python bench/search_bench.py \\
        --database-url postgresql+asyncpg://postgres@127.0.0.1/cencomm_bench

The script applies the migrations and writes one operation with `--messages`
messages (default 100,000) straight into the tables with multi-row inserts.
Then it times searches through the HTTP API in the same process, with httpx
over ASGI. Each time therefore includes authentication, the queries, the audit
insert and the JSON encoding, and the first row times a plain request for
comparison. The script prints one Markdown table row per request: the median
and the slowest of `--runs` runs after one warm-up run.

`--operation CODE` times an operation written by an earlier run again, without
generating. Every other run adds an operation and nothing is ever deleted, so
use a database of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from argon2 import PasswordHasher
from sqlalchemy import func, insert, select, text
from stdnum import iso6346

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.accounts.service import start_session, username_key  # noqa: E402
from app.config import Settings  # noqa: E402
from app.context import AppContext  # noqa: E402
from app.db import commit  # noqa: E402
from app.ids import new_id  # noqa: E402
from app.main import create_app  # noqa: E402
from app.messages.service import build_search_text  # noqa: E402
from app.migrate import upgrade_to_head_async  # noqa: E402
from app.models import (  # noqa: E402
    MailboxItem,
    Membership,
    Message,
    MessageContainer,
    Operation,
    User,
)

CHUNK_ROWS = 2_000
COUNTRIES = ("VN", "TH", "KH", "LA", "CN", "MY")
USERS_PER_COUNTRY = 6
START = datetime(2025, 1, 1, tzinfo=UTC)
DAYS = 365

ENGLISH = [
    "container",
    "cargo",
    "vessel",
    "port",
    "customs",
    "officer",
    "inspection",
    "declared",
    "shipment",
    "timber",
    "ivory",
    "scales",
    "rhino",
    "horn",
    "tobacco",
    "cigarettes",
    "methamphetamine",
    "heroin",
    "currency",
    "weapons",
    "counterfeit",
    "transit",
    "route",
    "suspect",
    "arrested",
    "seized",
    "hidden",
    "concealed",
    "false",
    "bottom",
    "pallet",
    "bags",
    "cartons",
    "reefer",
    "manifest",
    "consignee",
    "shipper",
    "broker",
    "warehouse",
    "truck",
    "border",
    "checkpoint",
    "airport",
    "passenger",
    "luggage",
    "courier",
    "parcel",
    "risk",
    "profile",
    "intelligence",
]
# Words of the scripts written without spaces are joined without spaces.
WORDS_BY_COUNTRY: dict[str, tuple[list[str], str]] = {
    "VN": (
        [
            "hải",
            "quan",
            "cảng",
            "hải",
            "phòng",
            "đà",
            "nẵng",
            "cát",
            "lái",
            "tàu",
            "hàng",
            "bắt",
            "giữ",
            "ma",
            "túy",
            "gỗ",
            "ngà",
            "voi",
            "vảy",
            "tê",
            "tê",
            "thuốc",
            "lá",
            "kiểm",
            "tra",
            "đối",
            "tượng",
            "vận",
            "chuyển",
        ],
        " ",
    ),
    "TH": (
        [
            "เจ้าหน้าที่",
            "ตรวจยึด",
            "งาช้าง",
            "ศุลกากร",
            "ท่าเรือ",
            "ตู้คอนเทนเนอร์",
            "ยาเสพติด",
            "ไม้พะยูง",
            "ลิ่นตัวนิ่ม",
            "ผู้ต้องสงสัย",
            "จับกุม",
            "สินค้า",
            "ขนส่ง",
        ],
        "",
    ),
    "CN": (
        ["海关", "查获", "穿山甲", "鳞片", "象牙", "集装箱", "走私", "毒品", "木材"],
        "",
    ),
    "KH": (["គយ", "បាន", "រឹបអូស", "ភ្លុកដំរី", "កុងតឺន័រ", "គ្រឿងញៀន", "ឈើ"], ""),
    "LA": (["ເຈົ້າໜ້າທີ່", "ກວດຍຶດ", "ຢາເສບຕິດ", "ງາຊ້າງ", "ສຸລະກາກອນ"], ""),
    "MY": (ENGLISH, " "),
}
TYPES = ("message", "message", "message", "warning", "seizure", "feedback")
COMMODITIES = ("drugs", "wildlife", "timber", "tobacco", "currency", "other")


@dataclass
class Member:
    id: str
    role: str
    country: str
    token: str = ""


@dataclass
class Callers:
    """The members the searches run as: an OCU, an NCP and a plain user."""

    ocu: Member
    ncp: Member
    user: Member

    def by_role(self, role: str) -> Member:
        member: Member = getattr(self, role)
        return member


def _container_pool(rng: random.Random, size: int) -> list[str]:
    numbers = []
    for n in range(size):
        owner = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(3))
        stem = f"{owner}U{n:06d}"
        numbers.append(stem + iso6346.calc_check_digit(stem))
    return numbers


def _native_text(rng: random.Random, country: str, count: int) -> str:
    words, separator = WORDS_BY_COUNTRY[country]
    return separator.join(rng.choice(words) for _ in range(count))


def _body(rng: random.Random, country: str, serial: int) -> str:
    english = " ".join(rng.choice(ENGLISH) for _ in range(rng.randint(20, 40)))
    if rng.random() < 0.08:
        english += " pangolin"
    native = _native_text(rng, country, rng.randint(5, 15))
    return f"{english}\n{native}\ncase CR-{serial:06d}"


def _messages(
    rng: random.Random,
    operation_id: str,
    members: list[Member],
    containers: list[str],
    count: int,
) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]]:
    """Yield each message row with its mailbox item rows and container rows."""
    for serial in range(count):
        sender = rng.choice(members)
        recipients = rng.sample([m for m in members if m is not sender], 2)
        message_type = rng.choice(TYPES)
        created_at = START + timedelta(seconds=rng.uniform(0, DAYS * 86_400))
        subject = f"{message_type.upper()} MESSAGE {serial}"
        body = _body(rng, sender.country, serial)
        fields = None
        commodity = None
        numbers: list[str] = []
        if message_type in ("warning", "seizure"):
            commodity = rng.choice(COMMODITIES)
            if rng.random() < 0.3:
                numbers = rng.sample(containers, rng.randint(1, 3))
            fields = {
                "commodity": commodity,
                "description": _native_text(rng, sender.country, 6),
                "container_numbers": numbers,
            }
        message_id = new_id()
        message = {
            "id": message_id,
            "operation_id": operation_id,
            "sender_id": sender.id,
            "sender_role": sender.role,
            "sender_country": sender.country,
            "type": message_type,
            "subject": subject,
            "body": body,
            "body_format": "text",
            "fields": fields,
            "commodity": commodity,
            "thread_id": message_id,
            "search_text": build_search_text(
                Message(subject=subject, body=body, body_format="text", fields=fields)
            ),
            "recipient_count": len(recipients),
            "attachment_count": 0,
            "created_at": created_at,
        }
        owners = [(sender, "sent")] + [(r, "received") for r in recipients]
        items = [
            {
                "id": new_id(),
                "user_id": owner.id,
                "operation_id": operation_id,
                "message_id": message_id,
                "kind": kind,
                "folder": "sent" if kind == "sent" else "inbox",
                "read": kind == "sent",
                "role": owner.role,
                "country": owner.country,
                "last_seq": 0,
                "created_at": created_at,
                "updated_at": created_at,
            }
            for owner, kind in owners
        ]
        container_rows = [
            {
                "message_id": message_id,
                "container_number": number,
                "operation_id": operation_id,
            }
            for number in numbers
        ]
        yield message, items, container_rows


async def _insert_chunked(session: Any, model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK_ROWS):
        await session.execute(insert(model), rows[start : start + CHUNK_ROWS])


async def generate(context: AppContext, count: int, seed: int) -> str:
    """Write an operation, its members and `count` messages; return its code."""
    rng = random.Random(seed)
    cheap_hash = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("x")
    code = f"bench-{secrets.token_hex(4)}"
    async with context.sessionmaker() as session:
        operation = Operation(code=code, name="Search benchmark")
        session.add(operation)
        await session.flush()
        members: list[Member] = []
        for country in COUNTRIES:
            for n in range(USERS_PER_COUNTRY):
                role = "ncp" if n == 0 else "user"
                if country == "LA" and n == 1:
                    role = "ocu"
                name = f"{code}-{country.lower()}-{n}"
                user = User(
                    username=name,
                    username_key=username_key(name),
                    display_name=name,
                    country=country,
                    password_hash=cheap_hash,
                )
                session.add(user)
                await session.flush()
                session.add(
                    Membership(
                        operation_id=operation.id,
                        user_id=user.id,
                        role=role,
                        country=country,
                    )
                )
                members.append(Member(user.id, role, country))
        await commit(session)

    containers = _container_pool(rng, 5_000)
    started = time.perf_counter()
    batch: tuple[list[dict[str, Any]], ...] = ([], [], [])
    generator = _messages(rng, operation.id, members, containers, count)
    for written, (message, items, container_rows) in enumerate(generator, 1):
        batch[0].append(message)
        batch[1].extend(items)
        batch[2].extend(container_rows)
        if written % 10_000 == 0 or written == count:
            async with context.sessionmaker() as session:
                await _insert_chunked(session, Message, batch[0])
                await _insert_chunked(session, MailboxItem, batch[1])
                await _insert_chunked(session, MessageContainer, batch[2])
                await commit(session)
            for rows in batch:
                rows.clear()
            print(f"  {written:,} messages written", file=sys.stderr)
    elapsed = time.perf_counter() - started
    print(f"  generated in {elapsed:.0f} s", file=sys.stderr)
    return code


async def load_callers(context: AppContext, code: str) -> tuple[str, Callers]:
    """Find a generated operation's callers; return its id and them."""
    async with context.sessionmaker() as session:
        operation_id = await session.scalar(
            select(Operation.id).where(Operation.code == code)
        )
        if operation_id is None:
            raise SystemExit(f"No operation '{code}' exists in this database.")
        statement = (
            select(Membership)
            .where(Membership.operation_id == operation_id)
            .order_by(Membership.user_id)
        )
        memberships = list(await session.scalars(statement))

    def first(role: str, country: str) -> Member:
        membership = next(
            m for m in memberships if m.role == role and m.country == country
        )
        return Member(membership.user_id, role, country)

    callers = Callers(
        ocu=first("ocu", "LA"), ncp=first("ncp", "TH"), user=first("user", "VN")
    )
    return operation_id, callers


async def busiest_container(context: AppContext, operation_id: str) -> str:
    """Return the container number named by the most messages of the operation."""
    count = func.count().label("mentions")
    statement = (
        select(MessageContainer.container_number, count)
        .where(MessageContainer.operation_id == operation_id)
        .group_by(MessageContainer.container_number)
        .order_by(count.desc(), MessageContainer.container_number)
        .limit(1)
    )
    async with context.sessionmaker() as session:
        number = await session.scalar(statement)
    if number is None:
        raise SystemExit("The operation has no container numbers to search for.")
    return number


async def _issue_tokens(context: AppContext, members: list[Member]) -> None:
    async with context.sessionmaker() as session:
        for member in members:
            user = await session.get(User, member.id)
            assert user is not None
            pair = await start_session(
                session, context.signer, user, timedelta(hours=2)
            )
            member.token = pair.access_token
        await commit(session)


async def _analyze(context: AppContext) -> None:
    if context.engine.dialect.name != "postgresql":
        return
    async with context.engine.connect() as connection:
        connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(text("VACUUM ANALYZE"))


async def _time(
    client: httpx.AsyncClient,
    path: str,
    member: Member,
    params: dict[str, Any],
    runs: int,
) -> tuple[list[float], dict[str, Any]]:
    headers = {"Authorization": f"Bearer {member.token}"}
    timings: list[float] = []
    page: dict[str, Any] = {}
    for _ in range(runs + 1):
        started = time.perf_counter()
        response = await client.get(path, headers=headers, params=params)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.text
        page = response.json()
    return timings[1:], page


def _cases(code: str, container: str) -> list[tuple[str, str, str, dict[str, Any]]]:
    """Return each timed request: label, caller role, path and query parameters."""
    searches = f"/api/v1/operations/{code}/messages"
    filters = {
        "type": "seizure",
        "country": "TH",
        "since": "2025-06-01",
        "until": "2025-06-30",
    }
    return [
        ("baseline: GET the operation", "ocu", f"/api/v1/operations/{code}", {}),
        ("browse, no filter", "ocu", searches, {}),
        ("q=pangolin (about 8% of messages)", "ocu", searches, {"q": "pangolin"}),
        ("q=cr-042137 (1 message)", "ocu", searches, {"q": "cr-042137"}),
        ("q=zqxjv (no message)", "ocu", searches, {"q": "zqxjv"}),
        ("q=ตรวจยึด (Thai)", "ocu", searches, {"q": "ตรวจยึด"}),
        ("q=穿山甲 (Chinese)", "ocu", searches, {"q": "穿山甲"}),
        ("q=hai phong (Vietnamese)", "ocu", searches, {"q": "hai phong"}),
        ("q=穿 (1 character)", "ocu", searches, {"q": "穿"}),
        (
            "q=ivory container pangolin",
            "ocu",
            searches,
            {"q": "ivory container pangolin"},
        ),
        ("type+country+since/until (1 month)", "ocu", searches, filters),
        ("commodity=wildlife", "ocu", searches, {"commodity": "wildlife"}),
        ("container filter", "ocu", searches, {"container": container}),
        ("q=pangolin as NCP", "ncp", searches, {"q": "pangolin"}),
        ("q=pangolin as plain user", "user", searches, {"q": "pangolin"}),
        ("browse as plain user", "user", searches, {}),
        (
            "container search",
            "ocu",
            f"/api/v1/operations/{code}/containers/{container}",
            {},
        ),
    ]


def _row(label: str, role: str, page: dict[str, Any], timings: list[float]) -> str:
    items = len(page["items"]) if "items" in page else "-"
    median = statistics.median(timings)
    return f"| {label} | {role} | {items} | {median:.1f} | {max(timings):.1f} |"


async def run(args: argparse.Namespace) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="cencomm-bench-"))
    settings = Settings(
        environment="test",
        database_url=args.database_url,
        data_dir=data_dir,
        secret_key=secrets.token_urlsafe(48),
        log_level="WARNING",
    )
    await upgrade_to_head_async(settings)
    app = create_app(settings)
    async with app.router.lifespan_context(app) as lifespan_state:
        state: dict[str, Any] = dict(lifespan_state or {})
        context: AppContext = state["context"]
        code = args.operation
        if code is None:
            print(f"generating {args.messages:,} messages", file=sys.stderr)
            code = await generate(context, args.messages, args.seed)
            await _analyze(context)
        operation_id, callers = await load_callers(context, code)
        await _issue_tokens(context, [callers.ocu, callers.ncp, callers.user])
        container = await busiest_container(context, operation_id)
        async with context.engine.connect() as connection:
            total = await connection.scalar(
                select(func.count())
                .select_from(Message)
                .where(Message.operation_id == operation_id)
            )

        async def asgi(
            scope: MutableMapping[str, Any], receive: Any, send: Any
        ) -> None:
            await app({**scope, "state": dict(state)}, receive, send)

        transport = httpx.ASGITransport(app=asgi)
        print(f"operation {code}: {total:,} messages", file=sys.stderr)
        print("| request | caller | items | median ms | max ms |")
        print("| --- | --- | --- | --- | --- |")
        async with httpx.AsyncClient(
            transport=transport, base_url="http://bench"
        ) as client:
            for label, role, path, params in _cases(code, container):
                member = callers.by_role(role)
                timings, page = await _time(client, path, member, params, args.runs)
                print(_row(label, role, page, timings))

            searches = f"/api/v1/operations/{code}/messages"
            _, first = await _time(client, searches, callers.ocu, {"q": "pangolin"}, 0)
            params = {"q": "pangolin", "cursor": first["next_cursor"]}
            timings, page = await _time(
                client, searches, callers.ocu, params, args.runs
            )
            print(_row("q=pangolin, second page", "ocu", page, timings))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="SQLAlchemy async URL.")
    parser.add_argument(
        "--messages", type=int, default=100_000, help="Messages to generate."
    )
    parser.add_argument("--runs", type=int, default=7, help="Timed runs per search.")
    parser.add_argument("--seed", type=int, default=6346, help="Random seed.")
    parser.add_argument(
        "--operation",
        help="Code of an operation generated by an earlier run: time it again.",
    )
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
