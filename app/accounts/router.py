"""Routes of authentication, `/me` and the admin's account management."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response
from fastapi.security import OAuth2PasswordRequestForm
from sqlalchemy import select

from app.accounts import service
from app.accounts.deps import AdminUser, CurrentUser
from app.accounts.schemas import (
    Me,
    MembershipOperation,
    MeMembership,
    PasswordChange,
    RefreshRequest,
    TokenPair,
    UserCreate,
    UserPublic,
    UserUpdate,
)
from app.context import Context
from app.db import Session, after_commit, commit
from app.errors import DependenciesFirstRoute, NotFound, Unauthorized
from app.models import Membership, Operation, User
from app.pagination import PageParams, page_params
from app.schemas import Page

router = APIRouter(route_class=DependenciesFirstRoute)
Pages = Annotated[PageParams, Depends(page_params)]
# No length limit here: an id that no user has is 404, not 422.
UserId = Annotated[str, Path(description="The user's id.")]


def _login_policy(context: Context) -> service.LoginPolicy:
    settings = context.settings
    return service.LoginPolicy(
        max_failures=settings.login_max_failures,
        window=timedelta(minutes=settings.login_failure_window_minutes),
    )


@router.post("/auth/token", response_model=TokenPair, tags=["auth"])
async def login(
    session: Session,
    context: Context,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> TokenPair:
    """Log in with a username and password (OAuth2 password form)."""
    policy = _login_policy(context)
    if not service.may_be_username(form.username):
        raise Unauthorized("Invalid username or password.")
    await service.check_login_throttle(session, form.username, policy)
    try:
        user = await service.authenticate(session, form.username, form.password)
    except Unauthorized:
        # The request's transaction rolls back with the 401, so the failure is
        # committed first. It must be this transaction: on SQLite it holds the
        # write lock, and a second one would wait for it until the timeout.
        await service.record_login_failure(session, form.username, policy)
        await commit(session)
        raise
    lifetime = timedelta(days=context.settings.refresh_token_days)
    return await service.start_session(session, context.signer, user, lifetime)


@router.post("/auth/refresh", response_model=TokenPair, tags=["auth"])
async def refresh(
    session: Session, context: Context, data: RefreshRequest
) -> TokenPair:
    """Exchange a refresh token for a new pair; the old refresh token stops working."""
    try:
        return await service.refresh_session(
            session, context.signer, data.refresh_token
        )
    except service.RefreshTokenReused as reused:
        # Committed before the 401 rolls the request's transaction back, in
        # this transaction for the same reason as a failed login's record.
        await service.revoke_session(session, reused.session_id)
        await commit(session)
        await context.hub.session_revoked(reused.session_id)
        raise Unauthorized(
            "The refresh token was already used; log in again."
        ) from None


@router.post("/auth/logout", status_code=204, tags=["auth"])
async def logout(session: Session, context: Context, data: RefreshRequest) -> Response:
    """Revoke a refresh token and the access tokens of its login."""
    session_id = await service.logout(session, data.refresh_token)
    after_commit(session, lambda: context.hub.session_revoked(session_id))
    return Response(status_code=204)


@router.get("/me", response_model=Me, tags=["me"])
async def read_me(session: Session, user: CurrentUser) -> Me:
    """Return the caller's account and memberships."""
    statement = (
        select(Membership, Operation)
        .join(Operation, Operation.id == Membership.operation_id)
        .where(Membership.user_id == user.id)
        .order_by(Operation.code)
    )
    rows = (await session.execute(statement)).all()
    memberships = [
        MeMembership(
            operation=MembershipOperation(
                code=operation.code, name=operation.name, status=operation.status
            ),
            role=membership.role,
            country=membership.country,
        )
        for membership, operation in rows
    ]
    return Me(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        email=user.email,
        country=user.country,
        is_admin=user.is_admin,
        memberships=memberships,
    )


@router.post("/me/password", status_code=204, tags=["me"])
async def change_password(
    session: Session, user: CurrentUser, data: PasswordChange
) -> Response:
    """Change the caller's password."""
    await service.change_password(
        session, user, data.current_password, data.new_password
    )
    return Response(status_code=204)


@router.post("/users", status_code=201, response_model=UserPublic, tags=["users"])
async def create_user(session: Session, admin: AdminUser, data: UserCreate) -> User:
    """Create an account (admin)."""
    return await service.create_user(session, data)


@router.get("/users", response_model=Page[UserPublic], tags=["users"])
async def list_users(
    session: Session, context: Context, admin: AdminUser, page: Pages
) -> Page[UserPublic]:
    """List every account, by username (admin)."""
    users, next_cursor = await service.list_users(session, context.cursors, page)
    return Page[UserPublic](
        items=[UserPublic.model_validate(u, from_attributes=True) for u in users],
        next_cursor=next_cursor,
    )


@router.get("/users/{user_id}", response_model=UserPublic, tags=["users"])
async def read_user(session: Session, admin: AdminUser, user_id: UserId) -> User:
    """Return one account (admin)."""
    user = await service.get_user(session, user_id)
    if user is None:
        raise NotFound(f"No user has the id '{user_id}'.")
    return user


@router.patch("/users/{user_id}", response_model=UserPublic, tags=["users"])
async def update_user(
    session: Session,
    context: Context,
    admin: AdminUser,
    user_id: UserId,
    data: UserUpdate,
) -> User:
    """Change an account; deactivating it ends its logins and open sockets (admin)."""
    user = await service.get_user(session, user_id)
    if user is None:
        raise NotFound(f"No user has the id '{user_id}'.")
    updated = await service.update_user(session, user, data)
    if data.is_active is False:
        after_commit(session, lambda: context.hub.user_deactivated(user_id))
    return updated
