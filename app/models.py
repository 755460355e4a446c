"""ORM models of every table, shared by the domain packages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.ids import new_id

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as naive UTC and always read back as aware UTC.

    SQLite has no time zone type, so both databases store naive UTC values.
    """

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(
        self, value: datetime | None, dialect: Dialect
    ) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not accepted; pass UTC-aware values")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(
        self, value: datetime | None, dialect: Dialect
    ) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def _id_column() -> Mapped[str]:
    return mapped_column(String(32), primary_key=True, default=new_id)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON}


class User(Base):
    __tablename__ = "users"

    id: Mapped[str] = _id_column()
    username: Mapped[str] = mapped_column(String(64))
    # Case-folded username, unique, so that `Alice` and `alice` are one account.
    username_key: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), default="")
    country: Mapped[str] = mapped_column(String(2))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Last mailbox event sequence number handed out to this user. Incrementing it
    # locks the row, so events of one user commit in sequence order.
    mailbox_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AuthSession(Base):
    """A login: the family of refresh tokens and the access tokens issued from them."""

    __tablename__ = "auth_sessions"

    id: Mapped[str] = _id_column()
    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class RefreshToken(Base):
    __tablename__ = "refresh_tokens"

    # SHA-256 of the token; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    session_id: Mapped[str] = mapped_column(
        ForeignKey("auth_sessions.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(default=None)


class LoginFailure(Base):
    __tablename__ = "login_failures"
    __table_args__ = (Index(None, "username_key", "failed_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username_key: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(default=utcnow)


class Operation(Base):
    __tablename__ = "operations"

    id: Mapped[str] = _id_column()
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    phases: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="active")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("operation_id", "user_id"),
        Index(None, "operation_id", "role"),
        Index(None, "operation_id", "country"),
        Index(None, "user_id"),
    )

    id: Mapped[str] = _id_column()
    operation_id: Mapped[str] = mapped_column(
        ForeignKey("operations.id", ondelete="CASCADE")
    )
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(8))
    country: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (
        Index(None, "operation_id", "created_at", "id"),
        Index(None, "operation_id", "sender_country", "created_at"),
        Index(None, "operation_id", "sender_id", "created_at"),
        Index(None, "thread_id"),
    )

    id: Mapped[str] = _id_column()
    operation_id: Mapped[str] = mapped_column(
        ForeignKey("operations.id", ondelete="CASCADE")
    )
    sender_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    # The sender's role and country in the operation when the message was sent.
    sender_role: Mapped[str] = mapped_column(String(8))
    sender_country: Mapped[str] = mapped_column(String(2))
    type: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    body_format: Mapped[str] = mapped_column(String(8), default="text")
    fields: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    commodity: Mapped[str | None] = mapped_column(String(32), default=None)
    in_reply_to_id: Mapped[str | None] = mapped_column(
        ForeignKey("messages.id"), default=None
    )
    forward_of_id: Mapped[str | None] = mapped_column(
        ForeignKey("messages.id"), default=None
    )
    # Id of the first message of the conversation, so a thread is one lookup.
    thread_id: Mapped[str] = mapped_column(String(32))
    # Case- and diacritic-folded subject, body text and text fields.
    search_text: Mapped[str] = mapped_column(Text, default="")
    recipient_count: Mapped[int] = mapped_column(Integer)
    attachment_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Attachment(Base):
    __tablename__ = "attachments"
    __table_args__ = (Index(None, "operation_id", "uploader_id"),)

    id: Mapped[str] = _id_column()
    operation_id: Mapped[str] = mapped_column(
        ForeignKey("operations.id", ondelete="CASCADE")
    )
    uploader_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(128))
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MessageAttachment(Base):
    __tablename__ = "message_attachments"
    __table_args__ = (Index(None, "attachment_id"),)

    message_id: Mapped[str] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True
    )
    attachment_id: Mapped[str] = mapped_column(
        ForeignKey("attachments.id"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer)


class MessageContainer(Base):
    """A container number named in a formatted message's fields, for lookups."""

    __tablename__ = "message_containers"
    __table_args__ = (Index(None, "operation_id", "container_number"),)

    message_id: Mapped[str] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True
    )
    container_number: Mapped[str] = mapped_column(String(11), primary_key=True)
    operation_id: Mapped[str] = mapped_column(
        ForeignKey("operations.id", ondelete="CASCADE")
    )


class MailboxItem(Base):
    """One user's copy of one message: a received copy or the sender's copy."""

    __tablename__ = "mailbox_items"
    __table_args__ = (
        UniqueConstraint("message_id", "user_id"),
        Index(None, "user_id", "operation_id", "folder", "created_at", "id"),
        Index(None, "user_id", "operation_id", "folder", "read"),
        Index(None, "message_id", "country"),
    )

    id: Mapped[str] = _id_column()
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    operation_id: Mapped[str] = mapped_column(
        ForeignKey("operations.id", ondelete="CASCADE")
    )
    message_id: Mapped[str] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE")
    )
    # `received` or `sent`; `restore` moves an item back to inbox or sent by it.
    kind: Mapped[str] = mapped_column(String(8))
    folder: Mapped[str] = mapped_column(String(8))
    read: Mapped[bool] = mapped_column(Boolean, default=False)
    # First time the owner read it, for read receipts; kept when marked unread.
    read_at: Mapped[datetime | None] = mapped_column(default=None)
    # The owner's role and country in the operation when the message was sent.
    role: Mapped[str] = mapped_column(String(8))
    country: Mapped[str] = mapped_column(String(2))
    # Sequence number of the latest mailbox event of this item.
    last_seq: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class MailboxEvent(Base):
    """A change to a user's mailbox, replayed to WebSocket clients that resume."""

    __tablename__ = "mailbox_events"
    __table_args__ = (UniqueConstraint("user_id", "seq"),)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"),
        primary_key=True,
        autoincrement=True,
    )
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(BigInteger)
    item_id: Mapped[str] = mapped_column(
        ForeignKey("mailbox_items.id", ondelete="CASCADE")
    )
    operation_id: Mapped[str] = mapped_column(
        ForeignKey("operations.id", ondelete="CASCADE")
    )
    # `mailbox.item` (created) or `mailbox.updated`.
    type: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Draft(Base):
    __tablename__ = "drafts"
    __table_args__ = (Index(None, "operation_id", "author_id", "updated_at", "id"),)

    id: Mapped[str] = _id_column()
    operation_id: Mapped[str] = mapped_column(
        ForeignKey("operations.id", ondelete="CASCADE")
    )
    author_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The message fields saved so far, each already validated for format.
    content: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (Index(None, "operation_id", "at", "id"),)

    id: Mapped[str] = _id_column()
    operation_id: Mapped[str] = mapped_column(
        ForeignKey("operations.id", ondelete="CASCADE")
    )
    actor_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(32))
    target: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(default=utcnow)
