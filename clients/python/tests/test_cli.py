"""The `cencomm-client` command, run as a subprocess against the real server."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import secrets
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from support import USER_PASSWORD, Person, Server, Team

from cencomm_client import CencommClient, NewMessage, Recipients

CLI_TIMEOUT_SECONDS = 60.0
PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str


@dataclass
class Cli:
    server: Server
    session: Path

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env["CENCOMM_CLIENT_SESSION"] = str(self.session)
        env["CENCOMM_SERVER"] = self.server.url
        return env

    async def __call__(self, *arguments: str, stdin: str = "") -> Result:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "cencomm_client",
            *arguments,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self.environment(),
        )
        stdout, stderr = await asyncio.wait_for(
            process.communicate(stdin.encode()), CLI_TIMEOUT_SECONDS
        )
        assert process.returncode is not None
        return Result(process.returncode, stdout.decode(), stderr.decode())


@pytest.fixture(scope="module")
async def team(admin: CencommClient, people: list[Person]) -> Team:
    """One operation for the whole module, so that the command logs in once."""
    code = f"cli-{secrets.token_hex(4)}"
    await admin.create_operation(code, f"Operation {code}")
    for person in people:
        await admin.put_member(code, person.id, person.role)
    return Team.of(code, people)


@pytest.fixture(scope="module")
async def cli(
    server: Server, team: Team, tmp_path_factory: pytest.TempPathFactory
) -> Cli:
    """The command, logged in as the team's OCU."""
    session = tmp_path_factory.mktemp("cli") / "config" / "session.json"
    command = Cli(server, session)
    result = await command("login", team.ocu.username, stdin=USER_PASSWORD + "\n")
    assert result.code == 0, result.stderr
    return command


async def send_seizure(cli: Cli, team: Team, *extra: str) -> Result:
    return await cli(
        "send",
        team.code,
        "--type",
        "seizure",
        "--subject",
        "Pangolin scales at Cat Lai",
        "--body",
        "Found in a container declared as cashew nuts.",
        "--role",
        "user",
        "--field",
        "seizure_date=2026-01-15",
        "--field",
        "country=VN",
        "--field",
        "commodity=wildlife",
        "--field",
        "description=Scales in 40 bags",
        "--field",
        "quantity=120.5",
        "--field",
        "unit=kg",
        "--field",
        'transit_countries=["TH","LA"]',
        "--field",
        'container_numbers=["CSQU 305438 3"]',
        *extra,
    )


def message_id_of(result: Result) -> str:
    # "Sent seizure <id> to 2 recipient(s)."
    return result.stdout.split()[2]


async def test_login_then_logout(server: Server, team: Team, tmp_path: Path) -> None:
    command = Cli(server, tmp_path / "config" / "session.json")
    login = await command("login", team.bob.username, stdin=USER_PASSWORD + "\n")
    mode = stat.S_IMODE(command.session.stat().st_mode)
    stored = json.loads(command.session.read_text())
    logout = await command("logout")
    after = await command("operations")
    assert login.code == 0, login.stderr
    assert mode == 0o600
    assert stored["refresh_token"]
    assert stored["server"] == server.url
    assert USER_PASSWORD not in json.dumps(stored)
    assert logout.code == 0, logout.stderr
    assert not command.session.exists()
    assert after.code == 1


async def test_operations_and_members(cli: Cli, team: Team) -> None:
    operations = await cli("operations")
    members = await cli("members", team.code)
    assert operations.code == 0
    assert team.code in operations.stdout
    assert members.code == 0
    assert team.alice.username in members.stdout
    assert "ncp" in members.stdout


async def test_send_with_fields_and_file(cli: Cli, team: Team, tmp_path: Path) -> None:
    report = tmp_path / "ảnh hiện trường.pdf"
    report.write_bytes(PDF_BYTES)
    result = await send_seizure(cli, team, "--attach", str(report))
    assert result.code == 0, result.stderr
    message = await team.alice.client.get_message(team.code, message_id_of(result))
    assert message.fields is not None
    assert message.fields["quantity"] == 120.5
    assert message.fields["transit_countries"] == ["TH", "LA"]
    assert message.fields["container_numbers"] == ["CSQU3054383"]
    assert message.fields["seizure_date"] == "2026-01-15"
    assert [a.filename for a in message.attachments] == ["ảnh hiện trường.pdf"]
    assert message.recipient_count == 2


async def test_send_body_from_stdin(cli: Cli, team: Team) -> None:
    result = await cli(
        "send",
        team.code,
        "--type",
        "message",
        "--subject",
        "From stdin",
        "--body-file",
        "-",
        "--user",
        team.bob.id,
        stdin="สวัสดี\nline two\n",
    )
    assert result.code == 0, result.stderr
    message = await team.bob.client.get_message(team.code, message_id_of(result))
    assert message.body == "สวัสดี\nline two\n"


async def test_mailbox_table(cli: Cli, team: Team) -> None:
    await team.alice.client.send_message(
        team.code,
        NewMessage(
            type="message",
            subject="Xe tải ở Lao Bảo",
            body="Please check.",
            recipients=Recipients(roles=["ocu"]),
        ),
    )
    result = await cli("mailbox", team.code, "--unread", "--limit", "5")
    lines = result.stdout.splitlines()
    row = next(line for line in lines if "Xe tải ở Lao Bảo" in line)
    assert result.code == 0, result.stderr
    assert lines[0].startswith("inbox: ")
    assert lines[0].endswith(" unread")
    assert row.startswith("*")
    assert " VN " in row
    assert "Alice" in row
    assert " message " in row


async def test_show_message(cli: Cli, team: Team) -> None:
    sent = await send_seizure(cli, team)
    result = await cli("show", team.code, message_id_of(sent))
    assert result.code == 0, result.stderr
    assert "Subject:    Pangolin scales at Cat Lai" in result.stdout
    assert "  transit_countries: TH, LA" in result.stdout
    assert result.stdout.rstrip().endswith("declared as cashew nuts.")


async def test_search_container_drafts(cli: Cli, team: Team) -> None:
    sent = await send_seizure(cli, team)
    draft = await team.ocu.client.create_draft(
        team.code, NewMessage(subject="Half written")
    )
    search = await cli("search", team.code, "-q", "pangolin", "--type", "seizure")
    container = await cli("container", team.code, "csqu3054383")
    drafts = await cli("drafts", team.code)
    assert message_id_of(sent) in search.stdout
    assert container.stdout.startswith("Container CSQU3054383: ")
    assert message_id_of(sent) in container.stdout
    assert drafts.stdout.splitlines()[0].endswith(" draft(s)")
    assert draft.id in drafts.stdout
    assert "Half written" in drafts.stdout


async def test_export_csv(cli: Cli, team: Team, tmp_path: Path) -> None:
    sent = await send_seizure(cli, team)
    other = await team.alice.client.send_message(
        team.code,
        NewMessage(
            type="message",
            subject="Not a seizure",
            body="x",
            recipients=Recipients(roles=["ocu"]),
        ),
    )

    result = await cli("export", team.code)
    output = tmp_path / "seizures.csv"
    to_file = await cli("export", team.code, "--output", str(output))
    rows = [
        row
        for row in csv.DictReader(io.StringIO(result.stdout))
        if row["id"] == message_id_of(sent)
    ]

    assert result.code == 0, result.stderr
    assert len(rows) == 1
    assert other.id not in result.stdout
    assert rows[0]["sender_country"] == "TH"
    assert rows[0]["created_at"].endswith("Z")
    assert rows[0]["transit_countries"] == "TH;LA"
    assert rows[0]["quantity"] == "120.5"
    assert rows[0]["container_numbers"] == "CSQU3054383"
    assert rows[0]["species"] == ""
    assert "suspect_nationalities" in rows[0]
    assert to_file.code == 0
    assert output.read_bytes().decode("utf-8") == result.stdout


async def test_field_errors_exit_one(cli: Cli, team: Team) -> None:
    result = await send_seizure(cli, team, "--field", "quantity=-3")
    assert result.code == 1
    assert "fields.quantity: " in result.stderr
    assert result.stdout == ""


async def test_no_recipients_exit_one(cli: Cli, team: Team) -> None:
    result = await cli(
        "send", team.code, "--type", "message", "--subject", "S", "--body", "B"
    )
    assert result.code == 1
    assert "recipients: " in result.stderr


async def test_usage_errors_exit_two(cli: Cli, team: Team) -> None:
    bad_field = await cli("send", team.code, "--field", "no-equals-sign")
    missing_file = await cli("send", team.code, "--attach", "/no/such/file.pdf")
    unknown = await cli("no-such-command")
    bad_limit = await cli("mailbox", team.code, "--limit", "0")
    assert bad_field.code == 2
    assert "key=value" in bad_field.stderr
    assert missing_file.code == 2
    assert unknown.code == 2
    assert bad_limit.code == 2


async def test_not_logged_in_exit_one(server: Server, tmp_path: Path) -> None:
    command = Cli(server, tmp_path / "none" / "session.json")
    result = await command("operations")
    assert result.code == 1
    assert "not logged in" in result.stderr


async def test_wrong_password_exit_one(
    server: Server, team: Team, tmp_path: Path
) -> None:
    command = Cli(server, tmp_path / "session.json")
    result = await command("login", team.ocu.username, stdin="wrong-password\n")
    assert result.code == 1
    assert "401" in result.stderr
    assert not command.session.exists()


async def test_watch_prints_items(cli: Cli, team: Team) -> None:
    await team.alice.client.send_message(
        team.code,
        NewMessage(
            type="message",
            subject="Before watch",
            body="x",
            recipients=Recipients(roles=["ocu"]),
        ),
    )
    since = (await team.ocu.client.list_mailbox(team.code, limit=1)).items[0].cursor
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "cencomm_client",
        "watch",
        "--since",
        since,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=cli.environment(),
    )
    try:
        assert process.stderr is not None
        assert process.stdout is not None
        ready = await asyncio.wait_for(process.stderr.readline(), CLI_TIMEOUT_SECONDS)
        await team.alice.client.send_message(
            team.code,
            NewMessage(
                type="warning",
                subject="Live via the command",
                body="x",
                fields={"commodity": "timber", "description": "Rosewood logs"},
                recipients=Recipients(roles=["ocu"]),
            ),
        )
        line = await asyncio.wait_for(process.stdout.readline(), CLI_TIMEOUT_SECONDS)
    finally:
        process.terminate()
        await process.wait()
    assert ready.decode().startswith("Caught up")
    assert f"[{team.code}]" in line.decode()
    assert "warning: Live via the command" in line.decode()
