"""The attachment as the upload response and every message show it."""

from pydantic import BaseModel


class AttachmentPublic(BaseModel):
    id: str
    filename: str
    size: int
    content_type: str
    sha256: str
