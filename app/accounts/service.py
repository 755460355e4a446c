"""Accounts, logins, refresh-token rotation and failed-login throttling."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import structlog
from sqlalchemy import CursorResult, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts.passwords import hash_password, verify_password
from app.accounts.schemas import TokenPair, UserCreate, UserUpdate
from app.accounts.tokens import TokenSigner, hash_refresh_token, new_refresh_token
from app.errors import Conflict, InvalidInput, TooManyRequests, Unauthorized
from app.models import AuthSession, LoginFailure, RefreshToken, User
from app.pagination import CursorCodec, PageParams

logger = structlog.get_logger(__name__)
# The length of the `username_key` columns of users and login failures.
MAX_USERNAME_CHARS = 64


async def list_users(
    session: AsyncSession, cursors: CursorCodec, page: PageParams
) -> tuple[list[User], str | None]:
    statement = select(User).order_by(User.username_key).limit(page.limit + 1)
    if page.cursor:
        (after,) = cursors.decode("users", page.cursor)
        statement = statement.where(User.username_key > str(after))
    users = list(await session.scalars(statement))
    next_cursor = None
    if len(users) > page.limit:
        users = users[: page.limit]
        next_cursor = cursors.encode("users", [users[-1].username_key])
    return users, next_cursor


def username_key(username: str) -> str:
    return username.casefold()


def may_be_username(username: str) -> bool:
    """Tell whether a login name fits the username column, so could exist."""
    return 0 < len(username_key(username)) <= MAX_USERNAME_CHARS


async def get_user(session: AsyncSession, user_id: str) -> User | None:
    return await session.get(User, user_id)


async def get_user_by_username(session: AsyncSession, username: str) -> User | None:
    statement = select(User).where(User.username_key == username_key(username))
    return await session.scalar(statement)


async def create_user(session: AsyncSession, data: UserCreate) -> User:
    existing = await get_user_by_username(session, data.username)
    if existing is not None:
        raise Conflict(f"The username '{data.username}' is already taken.")
    user = User(
        username=data.username,
        username_key=username_key(data.username),
        display_name=data.display_name,
        email=data.email,
        country=data.country,
        password_hash=await hash_password(data.password),
        is_admin=data.is_admin,
    )
    session.add(user)
    try:
        await session.flush()
    except IntegrityError:
        raise Conflict(f"The username '{data.username}' is already taken.") from None
    logger.info("user.created", user_id=user.id, is_admin=user.is_admin)
    return user


async def update_user(session: AsyncSession, user: User, data: UserUpdate) -> User:
    changes = data.model_dump(exclude_unset=True)
    for name, value in changes.items():
        if value is None:
            raise InvalidInput.single(
                name, f"{name} must not be null; leave it out to keep its value"
            )
        setattr(user, name, value)
    if changes.get("is_active") is False:
        await revoke_all_sessions(session, user.id)
    await session.flush()
    logger.info("user.updated", user_id=user.id, fields=sorted(changes))
    return user


async def revoke_all_sessions(session: AsyncSession, user_id: str) -> None:
    statement = (
        update(AuthSession)
        .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )
    await session.execute(statement)


@dataclass(frozen=True, slots=True)
class LoginPolicy:
    max_failures: int
    window: timedelta


async def check_login_throttle(
    session: AsyncSession, username: str, policy: LoginPolicy
) -> None:
    """Raise 429 when the username had too many failed logins in the window."""
    now = datetime.now(UTC)
    window_start = now - policy.window
    statement = select(func.count(), func.min(LoginFailure.failed_at)).where(
        LoginFailure.username_key == username_key(username),
        LoginFailure.failed_at > window_start,
    )
    count, oldest = (await session.execute(statement)).one()
    if count < policy.max_failures:
        return
    retry_after = int((oldest + policy.window - now).total_seconds()) + 1
    logger.warning("auth.login_throttled", failures=count)
    raise TooManyRequests(
        f"Too many failed logins for this username: {count} in the last "
        f"{int(policy.window.total_seconds() // 60)} minutes. "
        f"Try again in {retry_after} seconds.",
        retry_after=retry_after,
    )


async def record_login_failure(
    session: AsyncSession, username: str, policy: LoginPolicy
) -> None:
    now = datetime.now(UTC)
    key = username_key(username)
    session.add(LoginFailure(username_key=key, failed_at=now))
    # Old rows no longer count; delete them so the table stays small.
    await session.execute(
        delete(LoginFailure).where(
            LoginFailure.username_key == key,
            LoginFailure.failed_at <= now - policy.window,
        )
    )
    await session.flush()


async def authenticate(session: AsyncSession, username: str, password: str) -> User:
    """Return the active user with these credentials or raise 401."""
    user = await get_user_by_username(session, username)
    valid = await verify_password(user.password_hash if user else None, password)
    if user is None or not valid:
        raise Unauthorized("Invalid username or password.")
    if not user.is_active:
        raise Unauthorized("This account is deactivated.")
    return user


async def _issue_pair(
    session: AsyncSession, signer: TokenSigner, auth_session: AuthSession
) -> TokenPair:
    refresh_token = new_refresh_token()
    session.add(
        RefreshToken(
            token_hash=hash_refresh_token(refresh_token), session_id=auth_session.id
        )
    )
    await session.flush()
    access_token, expires_in = signer.issue_access(
        auth_session.user_id, auth_session.id
    )
    return TokenPair(
        access_token=access_token, expires_in=expires_in, refresh_token=refresh_token
    )


async def start_session(
    session: AsyncSession, signer: TokenSigner, user: User, lifetime: timedelta
) -> TokenPair:
    auth_session = AuthSession(user_id=user.id, expires_at=datetime.now(UTC) + lifetime)
    session.add(auth_session)
    await session.flush()
    logger.info("auth.login", user_id=user.id, session_id=auth_session.id)
    return await _issue_pair(session, signer, auth_session)


async def _find_refresh(
    session: AsyncSession, refresh_token: str
) -> tuple[RefreshToken, AuthSession, User]:
    statement = (
        select(RefreshToken, AuthSession, User)
        .join(AuthSession, AuthSession.id == RefreshToken.session_id)
        .join(User, User.id == AuthSession.user_id)
        .where(RefreshToken.token_hash == hash_refresh_token(refresh_token))
    )
    row = (await session.execute(statement)).one_or_none()
    if row is None:
        raise Unauthorized("The refresh token is not valid.")
    return row[0], row[1], row[2]


class RefreshTokenReused(Exception):
    """A rotated refresh token came back, so its session must be revoked."""

    def __init__(self, session_id: str) -> None:
        super().__init__(session_id)
        self.session_id = session_id


async def refresh_session(
    session: AsyncSession, signer: TokenSigner, refresh_token: str
) -> TokenPair:
    """Rotate a refresh token into a new pair.

    Reusing a refresh token that was already rotated raises RefreshTokenReused,
    because one of its two holders is not the user. The caller then revokes the
    session and commits that before it returns 401.
    """
    token, auth_session, user = await _find_refresh(session, refresh_token)
    now = datetime.now(UTC)
    if auth_session.revoked_at is not None or auth_session.expires_at <= now:
        raise Unauthorized("The refresh token has been revoked or has expired.")
    if not user.is_active:
        raise Unauthorized("This account is deactivated.")
    if token.used_at is not None:
        logger.warning("auth.refresh_reused", session_id=auth_session.id)
        raise RefreshTokenReused(auth_session.id)
    claimed = await session.execute(
        update(RefreshToken)
        .where(
            RefreshToken.token_hash == token.token_hash, RefreshToken.used_at.is_(None)
        )
        .values(used_at=now)
    )
    if cast(CursorResult[Any], claimed).rowcount != 1:
        # Another request rotated the same token a moment ago.
        raise RefreshTokenReused(auth_session.id)
    return await _issue_pair(session, signer, auth_session)


async def revoke_session(session: AsyncSession, session_id: str) -> None:
    await session.execute(
        update(AuthSession)
        .where(AuthSession.id == session_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )


async def logout(session: AsyncSession, refresh_token: str) -> str:
    """Revoke the login of a refresh token and return its session id."""
    _, auth_session, _ = await _find_refresh(session, refresh_token)
    if auth_session.revoked_at is None:
        auth_session.revoked_at = datetime.now(UTC)
        await session.flush()
    logger.info("auth.logout", session_id=auth_session.id)
    return auth_session.id


async def change_password(
    session: AsyncSession, user: User, current_password: str, new_password: str
) -> None:
    if not await verify_password(user.password_hash, current_password):
        raise InvalidInput.single(
            "current_password", "current_password is not this account's password"
        )
    user.password_hash = await hash_password(new_password)
    await session.flush()
    logger.info("user.password_changed", user_id=user.id)
