"""The current-user dependencies: a valid token of an active account."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts.tokens import AccessClaims, TokenError, TokenSigner
from app.context import Context
from app.db import Session
from app.errors import Forbidden, Unauthorized
from app.models import AuthSession, User

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


@dataclass(frozen=True, slots=True)
class Caller:
    user: User
    claims: AccessClaims


async def resolve_access_token(
    session: AsyncSession, signer: TokenSigner, token: str
) -> Caller:
    """Return the caller of a token, or raise 401 if it cannot be used now."""
    try:
        claims = signer.verify_access(token)
    except TokenError:
        raise Unauthorized("The access token is malformed or has expired.") from None
    statement = (
        select(User, AuthSession.revoked_at)
        .join(AuthSession, AuthSession.user_id == User.id)
        .where(User.id == claims.user_id, AuthSession.id == claims.session_id)
    )
    row = (await session.execute(statement)).one_or_none()
    if row is None or row[1] is not None:
        raise Unauthorized("The access token has been revoked.")
    user: User = row[0]
    if not user.is_active:
        raise Unauthorized("This account is deactivated.")
    if claims.expires_at <= datetime.now(UTC):
        raise Unauthorized("The access token has expired.")
    return Caller(user=user, claims=claims)


async def get_caller(
    session: Session,
    context: Context,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> Caller:
    if not token:
        raise Unauthorized("An access token is required: send Authorization: Bearer.")
    return await resolve_access_token(session, context.signer, token)


async def get_current_user(caller: Annotated[Caller, Depends(get_caller)]) -> User:
    return caller.user


async def get_admin_user(
    user: Annotated[User, Depends(get_current_user)],
) -> User:
    if not user.is_admin:
        raise Forbidden("This action is reserved to administrators.")
    return user


CurrentCaller = Annotated[Caller, Depends(get_caller)]
CurrentUser = Annotated[User, Depends(get_current_user)]
AdminUser = Annotated[User, Depends(get_admin_user)]
