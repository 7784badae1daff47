"""SQL of the board's pictures and recordings: the files (by their SHA-256) and what each recording reads."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import msgspec

from survey.db import fetch_all, fetch_one

if TYPE_CHECKING:
    from questions.media import MediaFile
    from survey.db import Connection

INSERT_MEDIA: Final = """
INSERT INTO media (digest, content_type, content, width, height, uploaded_by)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (digest) DO NOTHING
"""
MEDIA: Final = "SELECT content_type, content FROM media WHERE digest = $1"
SAVE_RECORDING: Final = """
INSERT INTO recording (survey_id, question_key, option_code, language, recorded_text, digest, uploaded_by)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (survey_id, question_key, option_code, language, recorded_text)
DO UPDATE SET digest = excluded.digest, uploaded_by = excluded.uploaded_by
"""
RECORDINGS: Final = """
SELECT question_key, option_code, language, recorded_text, digest FROM recording WHERE survey_id = $1
ORDER BY id
"""


class StoredMedia(msgspec.Struct, frozen=True):
    """A stored file as it is served."""

    content_type: str
    content: bytes


class Recording(msgspec.Struct, frozen=True):
    """A recording of one question's or answer's words in one language."""

    question_key: str
    option_code: str
    language: str
    recorded_text: str
    digest: str


async def save_media(conn: Connection, file: MediaFile, uploaded_by: int | None) -> None:
    """Store a file once (the same bytes uploaded again are the same row)."""
    await conn.execute(
        INSERT_MEDIA, file.digest, file.content_type, file.content, file.width, file.height, uploaded_by
    )


async def media(conn: Connection, digest: str) -> StoredMedia | None:
    """A stored file by its digest, or ``None``."""
    return await fetch_one(conn, MEDIA, StoredMedia, digest)


async def save_recording(
    conn: Connection,
    survey_id: int,
    *,
    question_key: str,
    option_code: str,
    language: str,
    words: str,
    digest: str,
    uploaded_by: int | None,
) -> None:
    """Keep a recording of ``words``; a new one of the same words replaces the one before."""
    await conn.execute(
        SAVE_RECORDING, survey_id, question_key, option_code, language, words, digest, uploaded_by
    )


async def recordings(conn: Connection, survey_id: int) -> list[Recording]:
    """Every recording made for a survey, of whatever words (versions that show older words play those)."""
    return await fetch_all(conn, RECORDINGS, Recording, survey_id)
