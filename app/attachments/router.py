"""Routes of attachment upload and download."""

from __future__ import annotations

from typing import Annotated

import structlog
from fastapi import APIRouter, Path, Request
from fastapi.responses import FileResponse
from sqlalchemy import exists, or_, select
from starlette.requests import ClientDisconnect

from app.attachments.multipart import FilePartReader
from app.attachments.names import content_disposition, safe_filename
from app.attachments.schemas import AttachmentPublic
from app.attachments.sniff import ALLOWED_CONTENT_TYPES, detect_content_type
from app.attachments.storage import BlobStore, BlobTooLarge
from app.audit.service import record
from app.context import Context
from app.db import Session
from app.errors import (
    DependenciesFirstRoute,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    UnsupportedMediaType,
)
from app.messages.visibility import visible_condition
from app.models import Attachment, Message, MessageAttachment
from app.operations.access import MemberAccessDep

logger = structlog.get_logger(__name__)
router = APIRouter(tags=["attachments"], route_class=DependenciesFirstRoute)
AttachmentId = Annotated[str, Path(max_length=64)]

UPLOAD_BODY = {
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        }
    },
    "required": True,
}


def _store(context: Context) -> BlobStore:
    return BlobStore(context.settings.attachments_dir)


@router.post(
    "/operations/{code}/attachments",
    status_code=201,
    response_model=AttachmentPublic,
    openapi_extra={"requestBody": UPLOAD_BODY},
    responses={
        413: {"description": "The file is too large."},
        415: {"description": "The file type is not allowed."},
    },
)
async def upload_attachment(
    request: Request, session: Session, context: Context, access: MemberAccessDep
) -> AttachmentPublic:
    """Upload one file (multipart field `file`) for a message of this operation."""
    limit = context.settings.max_attachment_bytes
    reader = FilePartReader(request)
    try:
        async with _store(context).receive(reader.chunks(), limit) as pending:
            if pending.size == 0:
                raise InvalidInput.single(
                    "file", "is empty; upload a file with content"
                )
            content_type = await pending.inspect(detect_content_type)
            if content_type is None:
                raise UnsupportedMediaType(
                    "The file's content is not of an allowed type. Allowed: PDF, PNG, "
                    "JPEG, GIF, WebP, TIFF, Word, Excel, PowerPoint, OpenDocument, "
                    "plain text and CSV."
                )
            access.require_open()
            blob = await pending.keep()
    except ClientDisconnect:
        # The client is gone, so this 422 is never delivered. Raising it keeps a
        # dropped upload out of the unhandled-error log.
        logger.info(
            "attachment.upload_aborted",
            operation_id=access.operation.id,
            user_id=access.user.id,
        )
        raise InvalidInput.single(
            "file", "is incomplete: the client closed the connection during the upload"
        ) from None
    except BlobTooLarge as exc:
        logger.info(
            "attachment.too_large", operation_id=access.operation.id, limit=limit
        )
        raise PayloadTooLarge(
            f"The file has {'at least ' if not exc.complete else ''}"
            f"{exc.received:,} bytes; at most {limit:,} bytes are allowed."
        ) from None
    attachment = Attachment(
        operation_id=access.operation.id,
        uploader_id=access.user.id,
        filename=safe_filename(reader.filename),
        size=blob.size,
        content_type=content_type,
        sha256=blob.sha256,
    )
    session.add(attachment)
    await session.flush()
    logger.info(
        "attachment.uploaded",
        attachment_id=attachment.id,
        operation_id=access.operation.id,
        size=blob.size,
        content_type=content_type,
    )
    return AttachmentPublic.model_validate(attachment, from_attributes=True)


@router.get(
    "/operations/{code}/attachments/{attachment_id}",
    response_class=FileResponse,
    responses={200: {"content": {ct: {} for ct in sorted(ALLOWED_CONTENT_TYPES)}}},
)
async def download_attachment(
    session: Session,
    context: Context,
    access: MemberAccessDep,
    attachment_id: AttachmentId,
) -> FileResponse:
    """Download a file of a message the caller may see, or the caller's own upload."""
    carried_by_visible = exists().where(
        MessageAttachment.attachment_id == Attachment.id,
        MessageAttachment.message_id == Message.id,
        visible_condition(access),
    )
    statement = select(Attachment).where(
        Attachment.id == attachment_id,
        Attachment.operation_id == access.operation.id,
        or_(Attachment.uploader_id == access.user.id, carried_by_visible),
    )
    attachment = await session.scalar(statement)
    if attachment is None:
        raise NotFound(
            f"No attachment '{attachment_id}' exists among the files you can see."
        )
    path = _store(context).path_for(attachment.sha256)
    if not path.exists():
        logger.error("attachment.blob_missing", attachment_id=attachment.id)
        raise NotFound(f"The bytes of attachment '{attachment_id}' are missing.")
    record(
        session,
        access.operation.id,
        access.user.id,
        "attachment.download",
        {"attachment_id": attachment.id, "filename": attachment.filename},
    )
    return FileResponse(
        path,
        media_type=attachment.content_type,
        headers={
            "Content-Disposition": content_disposition(attachment.filename),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )
