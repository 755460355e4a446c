"""Async Python client of the cencomm-cug messaging server."""

from cencomm_client.client import CencommClient
from cencomm_client.cursor_file import CursorFile
from cencomm_client.errors import (
    AccountDeactivated,
    ApiError,
    AuthenticationError,
    CencommError,
    ConnectionFailed,
    FieldError,
)
from cencomm_client.events import CaughtUp, MailboxEvent, ResyncRequired, WatchEvent
from cencomm_client.inputs import DraftPatch, NewMessage, Phase, Phases, Recipients
from cencomm_client.models import (
    Attachment,
    AuditEvent,
    BulkResult,
    ContainerPage,
    Download,
    Draft,
    DraftPage,
    MailboxItem,
    MailboxPage,
    Me,
    Member,
    Message,
    Operation,
    Page,
    Receipt,
    Resolution,
    ServiceStatus,
    TokenPair,
    User,
)
from cencomm_client.retry import RetryPolicy
from cencomm_client.tokens import TokenStore

__all__ = [
    "AccountDeactivated",
    "ApiError",
    "Attachment",
    "AuditEvent",
    "AuthenticationError",
    "BulkResult",
    "CaughtUp",
    "CencommClient",
    "CencommError",
    "ConnectionFailed",
    "ContainerPage",
    "CursorFile",
    "Download",
    "Draft",
    "DraftPage",
    "DraftPatch",
    "FieldError",
    "MailboxEvent",
    "MailboxItem",
    "MailboxPage",
    "Me",
    "Member",
    "Message",
    "NewMessage",
    "Operation",
    "Page",
    "Phase",
    "Phases",
    "Receipt",
    "Recipients",
    "Resolution",
    "ResyncRequired",
    "RetryPolicy",
    "ServiceStatus",
    "TokenPair",
    "TokenStore",
    "User",
    "WatchEvent",
]
