"""JWT access tokens and opaque refresh tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from jose import JWTError, jwt

from app.ids import new_id

ALGORITHM = "HS256"
ACCESS_TOKEN_TYPE = "access"


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: str
    session_id: str
    expires_at: datetime


class TokenError(Exception):
    """The token is malformed, has a bad signature or has expired."""


class TokenSigner:
    def __init__(self, secret: str, access_lifetime: timedelta) -> None:
        self._secret = secret
        self.access_lifetime = access_lifetime

    def issue_access(self, user_id: str, session_id: str) -> tuple[str, int]:
        """Return a signed access token and its lifetime in seconds."""
        now = datetime.now(UTC)
        expires = now + self.access_lifetime
        claims = {
            "sub": user_id,
            "sid": session_id,
            "jti": new_id(),
            "typ": ACCESS_TOKEN_TYPE,
            "iat": int(now.timestamp()),
            "exp": int(expires.timestamp()),
        }
        token = jwt.encode(claims, self._secret, algorithm=ALGORITHM)
        return token, int(self.access_lifetime.total_seconds())

    def verify_access(self, token: str) -> AccessClaims:
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                options={"require_exp": True, "require_iat": True, "require_sub": True},
            )
        except JWTError as exc:
            raise TokenError(str(exc)) from None
        if claims.get("typ") != ACCESS_TOKEN_TYPE:
            raise TokenError("not an access token")
        user_id, session_id = claims.get("sub"), claims.get("sid")
        if not isinstance(user_id, str) or not isinstance(session_id, str):
            raise TokenError("token lacks its subject or session")
        expires_at = datetime.fromtimestamp(int(claims["exp"]), UTC)
        return AccessClaims(user_id, session_id, expires_at)


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def hash_refresh_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
