"""Pictures for answers and recorded readings: what an upload may be, and what each recording reads.

A picture is decoded and re-encoded (Pillow), upright, at most :data:`MAX_SIDE` pixels a side, in its own
format and without any metadata: a phone photo's EXIF can carry the place it was taken (GPS), the phone
and the time. A recording is checked by its first bytes (WAV, Ogg, WebM, MP3) and its ID3 tags are cut
off; it is not re-encoded (that would need a codec on the server). Both are stored under the SHA-256 of
the bytes kept, so their URL never changes meaning and can be cached for ever.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from typing import TYPE_CHECKING, Final, Literal

import msgspec
from PIL import Image, ImageOps, UnidentifiedImageError

if TYPE_CHECKING:
    from questions.schemas import Question, SurveyDefinition

MAX_PICTURE_BYTES: Final = 5_000_000
"""The largest picture accepted as uploaded (a phone photo is 2-4 MB)."""
MAX_AUDIO_BYTES: Final = 3_000_000
"""The largest recording accepted: a minute of speech is under 1 MB as MP3, about 2.6 MB as 22 kHz WAV."""
MAX_SIDE: Final = 1024
"""Pictures are scaled down to this many pixels on their longest side (the kiosk shows them at ~256)."""
MIN_SIDE: Final = 16
MAX_PIXELS: Final = 40_000_000
"""Larger images are refused before decoding (a small file can claim a huge image: a decompression bomb)."""

PICTURE_TYPES: Final[dict[str, str]] = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
AUDIO_TYPES: Final = ("audio/mpeg", "audio/ogg", "audio/webm", "audio/wav")
MediaType = Literal[
    "image/png", "image/jpeg", "image/webp", "audio/mpeg", "audio/ogg", "audio/webm", "audio/wav"
]


class MediaError(ValueError):
    """An upload was refused; the message says why in plain words."""


class MediaFile(msgspec.Struct, frozen=True, kw_only=True):
    """Bytes ready to store: their digest, type and, for a picture, its size in pixels."""

    digest: str
    content_type: str
    content: bytes
    width: int | None = None
    height: int | None = None


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _picture_format(head: bytes) -> str | None:
    """The format the first bytes announce (PNG, JPEG, WebP), or ``None``."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return None


def picture(content: bytes) -> MediaFile:
    """A picture as it is stored: checked, upright, scaled down, re-encoded without metadata.

    Raises:
        MediaError: not a PNG, JPEG or WebP picture, too large, too small, or unreadable.
    """
    if len(content) > MAX_PICTURE_BYTES:
        raise MediaError(f"The picture is larger than {MAX_PICTURE_BYTES // 1_000_000} MB.")
    announced = _picture_format(content[:16])
    if announced is None:
        raise MediaError("This is not a PNG, JPEG or WebP picture.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(content), formats=[announced])
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise MediaError("The picture has too many pixels; please send a smaller one.")
            image.load()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as bomb:
        raise MediaError("The picture has too many pixels; please send a smaller one.") from bomb
    except (UnidentifiedImageError, OSError, SyntaxError) as broken:
        raise MediaError("The picture could not be read; it may be damaged.") from broken
    if min(width, height) < MIN_SIDE:
        raise MediaError(f"The picture is too small: at least {MIN_SIDE} pixels a side.")
    upright = ImageOps.exif_transpose(image)
    upright.thumbnail((MAX_SIDE, MAX_SIDE))
    if announced == "JPEG":
        upright = upright.convert("RGB")
    elif upright.mode not in {"RGB", "RGBA", "L", "LA", "P"}:
        upright = upright.convert("RGBA")
    out = io.BytesIO()
    # Saved afresh with no exif=, icc_profile= or pnginfo=: nothing of the original's metadata goes along.
    options: dict[str, object] = {"quality": 85} if announced in {"JPEG", "WEBP"} else {"optimize": True}
    upright.save(out, format=announced, **options)
    stored = out.getvalue()
    return MediaFile(
        digest=_digest(stored),
        content_type=PICTURE_TYPES[announced],
        content=stored,
        width=upright.width,
        height=upright.height,
    )


def _audio_type(content: bytes) -> str | None:
    """The recording's type from its first bytes, or ``None``."""
    head = content[:64]
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in head:
        return "audio/webm"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "audio/mpeg"
    return None


def _without_id3(content: bytes) -> bytes:
    """An MP3 without its ID3 tags (v2 at the start, v1 at the end), which may hold names and places."""
    if content.startswith(b"ID3") and len(content) > 10:
        size = 10 + sum((byte & 0x7F) << (7 * (3 - index)) for index, byte in enumerate(content[6:10]))
        if content[5] & 0x10:  # a footer follows the tag
            size += 10
        content = content[size:]
    if len(content) > 128 and content[-128:-125] == b"TAG":
        content = content[:-128]
    return content


WAV_KEPT: Final = (b"fmt ", b"fact", b"data")
"""The WAV chunks that are the sound; the rest (``LIST``/``INFO``, ``bext``, ``id3 ``, ...) may hold names."""


def _wav_sound(content: bytes) -> bytes:
    """A WAV with only the chunks of its sound, in their order: no tags, no recorder's notes.

    What follows the RIFF chunk (an ID3 tag some tools append, padding) is left out. A ``data`` chunk
    whose size a streaming recorder left at 0 or 0xFFFFFFFF, or that runs past the end, keeps the bytes
    that are there, with their real size; a missing pad byte after an odd-sized chunk is tolerated.

    Raises:
        MediaError: another chunk runs past the end, or there is no ``fmt `` or ``data`` chunk.
    """
    riff_size = int.from_bytes(content[4:8], "little")
    end_of_riff = 8 + riff_size if 4 <= riff_size <= len(content) - 8 else len(content)
    kept: list[bytes] = []
    at = 12
    while at + 8 <= end_of_riff:
        tag, size = content[at : at + 4], int.from_bytes(content[at + 4 : at + 8], "little")
        body_at = at + 8
        if tag == b"data" and (size in {0, 0xFFFFFFFF} or body_at + size > end_of_riff):
            size = end_of_riff - body_at  # a streamed recording: the sound is the rest
        elif body_at + size > end_of_riff:
            raise MediaError("This WAV file is cut short.")
        if tag in WAV_KEPT:
            body = content[body_at : body_at + size]
            kept.append(tag + size.to_bytes(4, "little") + body + (b"\0" if size % 2 else b""))
        at = body_at + size
        if size % 2 and content[at : at + 1] == b"\0":  # the pad byte, where the writer put one
            at += 1
    if {chunk[:4] for chunk in kept} & {b"fmt ", b"data"} != {b"fmt ", b"data"}:
        raise MediaError("This WAV file holds no sound.")
    whole = b"WAVE" + b"".join(kept)
    return b"RIFF" + len(whole).to_bytes(4, "little") + whole


def recording(content: bytes) -> MediaFile:
    """A recording as it is stored, checked by its first bytes.

    Raises:
        MediaError: empty, too large, or not MP3, Ogg, WebM or WAV audio.
    """
    if not content:
        raise MediaError("The file is empty.")
    if len(content) > MAX_AUDIO_BYTES:
        raise MediaError(f"The recording is larger than {MAX_AUDIO_BYTES // 1_000_000} MB; keep it short.")
    kind = _audio_type(content)
    if kind is None:
        raise MediaError("This is not a recording the kiosk can play: send MP3, Ogg, WebM or WAV.")
    if kind == "audio/mpeg":
        content = _without_id3(content)
        if not content or _audio_type(content) != "audio/mpeg":
            raise MediaError("This MP3 file holds no sound after its tags.")
    if kind == "audio/wav":
        content = _wav_sound(content)
    return MediaFile(digest=_digest(content), content_type=kind, content=content)


class ScriptLine(msgspec.Struct, frozen=True, kw_only=True):
    """One thing to record: a question's words or one answer's, in one language, and its state."""

    question_key: str
    option_code: str
    """``""`` for the question itself."""
    language: str
    words: str
    """What to read, exactly: the recording plays only while these are the words shown."""
    state: Literal["to_record", "out_of_date", "recorded"]
    question_words: str
    """The question in the survey's first language, naming the line for the board."""


def question_script(question: Question, language: str) -> str:
    """What a question's recording reads: its text, then its help (an instrument's stem comes first)."""
    text = question.text.get(language, "").strip()
    help_ = question.help.get(language, "").strip()
    if question.type == "rating" and help_:
        return f"{help_}\n{text}"
    return f"{text}\n{help_}" if help_ else text


def words_for(definition: SurveyDefinition, key: str, option_code: str, language: str) -> str | None:
    """The words a recording of this question (``option_code`` empty) or answer reads today, or ``None``."""
    question = definition.question(key)
    if question is None or language not in definition.languages:
        return None
    if not option_code:
        return question_script(question, language) or None
    for option in question.options:
        if str(option.code) == option_code:
            return option.label.get(language, "").strip() or None
    return None


def script(definition: SurveyDefinition, recorded: dict[tuple[str, str, str], set[str]]) -> list[ScriptLine]:
    """Everything a survey's kiosk reads, per language, with whether its recording is there and current.

    Args:
        definition: the survey as the board is shaping it (its draft).
        recorded: for each (question, option code, language), the words recordings were made of.
    """
    first = definition.languages[0]
    lines = []
    for language in definition.languages:
        for question in definition.questions:
            named = question.text.get(first, question.key)
            targets = [""] + [str(option.code) for option in question.options]
            for code in targets:
                words = words_for(definition, question.key, code, language)
                if words is None:
                    continue
                made = recorded.get((question.key, code, language), set())
                state: Literal["to_record", "out_of_date", "recorded"] = (
                    "recorded" if words in made else "out_of_date" if made else "to_record"
                )
                lines.append(
                    ScriptLine(
                        question_key=question.key,
                        option_code=code,
                        language=language,
                        words=words,
                        state=state,
                        question_words=named,
                    )
                )
    return lines


def kiosk_recordings(
    definition: SurveyDefinition, rows: list[tuple[str, str, str, str, str]]
) -> dict[str, dict[str, str]]:
    """The recordings a version plays: by language, ``key`` or ``key/code`` to the file's URL.

    Only recordings of the words this version shows are played; any other is out of date for it.

    Args:
        definition: the version the kiosk runs.
        rows: (question key, option code, language, recorded words, digest) of the survey's recordings.
    """
    found: dict[str, dict[str, str]] = {}
    for key, code, language, words, digest in rows:
        if words_for(definition, key, code, language) == words:
            found.setdefault(language, {})[f"{key}/{code}" if code else key] = f"/media/{digest}"
    return found
