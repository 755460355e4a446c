"""Routes of drafts: save, list, read, merge-patch, delete and send."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Response

from app.context import Context
from app.db import Session
from app.drafts import service
from app.drafts.schemas import DraftList, DraftPublic
from app.errors import DependenciesFirstRoute
from app.messages.schemas import ComposeBody, MessagePublic
from app.operations.access import MemberAccessDep
from app.pagination import PageParams, page_params

router = APIRouter(tags=["drafts"], route_class=DependenciesFirstRoute)
Pages = Annotated[PageParams, Depends(page_params)]
DraftId = Annotated[str, Path(max_length=64)]
MERGE_PATCH_TYPE = "application/merge-patch+json"

# The patch is read as raw JSON and checked by the service after the draft is
# found, so a missing draft is 404 first. The schema documents its keys.
PATCH_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            MERGE_PATCH_TYPE: {
                "schema": {"$ref": "#/components/schemas/ComposeBody"},
            }
        },
    }
}


@router.post("/operations/{code}/drafts", status_code=201, response_model=DraftPublic)
async def create_draft(
    session: Session, context: Context, access: MemberAccessDep, data: ComposeBody
) -> DraftPublic:
    """Save a new draft. Every field is optional, and each one given is checked."""
    return await service.create_draft(session, context, access, data)


@router.get("/operations/{code}/drafts", response_model=DraftList)
async def list_drafts(
    session: Session, context: Context, access: MemberAccessDep, page: Pages
) -> DraftList:
    """List the caller's drafts, most recently changed first, with their count."""
    return await service.list_drafts(session, context, access, page)


@router.get("/operations/{code}/drafts/{draft_id}", response_model=DraftPublic)
async def read_draft(
    session: Session, access: MemberAccessDep, draft_id: DraftId
) -> DraftPublic:
    """Return one of the caller's drafts."""
    return await service.get_draft(session, access, draft_id)


@router.patch(
    "/operations/{code}/drafts/{draft_id}",
    response_model=DraftPublic,
    openapi_extra=PATCH_BODY,
)
async def update_draft(
    session: Session,
    context: Context,
    access: MemberAccessDep,
    draft_id: DraftId,
    patch: Annotated[
        Any,
        Body(
            media_type=MERGE_PATCH_TYPE,
            description="A JSON merge patch (RFC 7396): null clears a field.",
        ),
    ] = None,
) -> DraftPublic:
    """Change a draft with a JSON merge patch, in which null clears a field."""
    return await service.update_draft(session, context, access, draft_id, patch)


@router.delete("/operations/{code}/drafts/{draft_id}", status_code=204)
async def delete_draft(
    session: Session, access: MemberAccessDep, draft_id: DraftId
) -> Response:
    """Delete one of the caller's drafts."""
    await service.delete_draft(session, access, draft_id)
    return Response(status_code=204)


@router.post(
    "/operations/{code}/drafts/{draft_id}/send",
    status_code=201,
    response_model=MessagePublic,
)
async def send_draft(
    session: Session, context: Context, access: MemberAccessDep, draft_id: DraftId
) -> MessagePublic:
    """Send a draft as a message and delete it, or keep it unchanged on any error."""
    return await service.send_draft(session, context, access, draft_id)
