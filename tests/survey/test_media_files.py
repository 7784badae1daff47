"""Pictures and recordings as the board uploads them: checked by their bytes, pictures without metadata."""

from __future__ import annotations

import io
import struct
import wave
import zlib

import pytest
from PIL import Image

from questions import media
from questions.changes import WordingChange, apply
from tests.support import single_choice_survey


def jpeg_with_gps(size: tuple[int, int] = (2000, 1500)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° to show upright
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (40.0, 42.0, 51.0), "W", (74.0, 0.0, 21.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png(size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGBA", size, (0, 120, 0, 255))
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "Someone's name")
    image.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def wav(seconds: float = 0.3) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(8000)
        sound.writeframes(b"\x00\x10" * int(8000 * seconds))
    return out.getvalue()


def test_a_phone_photo_loses_its_gps_and_camera_comes_upright_and_smaller() -> None:
    original = jpeg_with_gps()
    assert b"PhoneMaker" in original
    kept = media.picture(original)
    reopened = Image.open(io.BytesIO(kept.content))
    assert kept.content_type == "image/jpeg"
    assert reopened.getexif() == {}
    assert "exif" not in reopened.info
    assert b"PhoneMaker" not in kept.content
    # Rotated upright (the orientation tag is applied, then dropped), then scaled to 1024 on its long side.
    assert (kept.width, kept.height) == (768, 1024) == reopened.size


def test_a_png_keeps_its_format_but_not_its_text_chunks() -> None:
    kept = media.picture(png())
    assert kept.content_type == "image/png"
    assert b"Someone's name" not in kept.content
    assert (kept.width, kept.height) == (64, 48)
    assert kept.digest == media.picture(png()).digest, "the same picture is the same file"


def test_webp_is_accepted() -> None:
    out = io.BytesIO()
    Image.new("RGB", (40, 40), (1, 2, 3)).save(out, format="WEBP")
    assert media.picture(out.getvalue()).content_type == "image/webp"


def huge_png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims a huge image (a decompression bomb), with a valid checksum."""
    small = png((16, 16))
    ihdr = struct.pack(">II", width, height) + small[24:29]
    chunk = b"IHDR" + ihdr
    return small[:8] + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk)) + small[33:]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"GIF89a" + b"\x00" * 100, "not a PNG, JPEG or WebP"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "not a PNG"),
        (b"\x89PNG\r\n\x1a\n" + b"broken" * 10, "could not be read"),
        (png((8, 8)), "too small"),
        (huge_png_header(60_000, 60_000), "too many pixels"),
        (b"\xff\xd8\xff" + b"\x00" * (media.MAX_PICTURE_BYTES + 1), "larger than 5 MB"),
    ],
)
def test_anything_else_is_refused_in_words(content: bytes, words: str) -> None:
    with pytest.raises(media.MediaError, match=words):
        media.picture(content)


def test_recordings_are_known_by_their_first_bytes() -> None:
    assert media.recording(wav()).content_type == "audio/wav"
    assert media.recording(b"OggS\x00\x02" + b"\x00" * 50).content_type == "audio/ogg"
    webm = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm" + b"\x00" * 40
    assert media.recording(webm).content_type == "audio/webm"
    assert media.recording(b"\xff\xfb\x90\x64" + b"\x00" * 100).content_type == "audio/mpeg"


def _chunk(tag: bytes, data: bytes) -> bytes:
    return tag + len(data).to_bytes(4, "little") + data + (b"\0" if len(data) % 2 else b"")


def test_a_wav_loses_its_tags_and_recorders_notes_and_still_plays() -> None:
    sound = wav()
    riff_body = sound[12:]
    info = b"INFO" + _chunk(b"IART", b"Maria Lopez\0") + _chunk(b"ICRD", b"2026-11-30 21:14\0")
    notes = _chunk(b"bext", b"Recorded on Maria's phone at 14 Elm St".ljust(602, b"\0"))
    tagged_body = b"WAVE" + notes + riff_body + _chunk(b"LIST", info) + _chunk(b"id3 ", b"ID3 Maria")
    tagged = b"RIFF" + len(tagged_body).to_bytes(4, "little") + tagged_body
    assert b"Maria" in tagged
    kept = media.recording(tagged)
    assert kept.content_type == "audio/wav"
    for personal in (b"Maria", b"Elm St", b"2026-11-30"):
        assert personal not in kept.content
    with wave.open(io.BytesIO(kept.content)) as reopened, wave.open(io.BytesIO(sound)) as original:
        assert reopened.getparams() == original.getparams()
        assert reopened.readframes(reopened.getnframes()) == original.readframes(original.getnframes())
    assert kept.content == sound, "a WAV with nothing but its sound is stored as it came"


def _sizes(sound: bytes, riff: int, data: int) -> bytes:
    """The WAV with its RIFF and data sizes as a streaming recorder may leave them."""
    at = sound.index(b"data")
    return (
        b"RIFF"
        + riff.to_bytes(4, "little")
        + sound[8 : at + 4]
        + data.to_bytes(4, "little")
        + sound[at + 8 :]
    )


@pytest.mark.parametrize(
    "sent",
    [
        pytest.param(_sizes(wav(), 0xFFFFFFFF, 0xFFFFFFFF), id="streamed, sizes left at 0xFFFFFFFF"),
        pytest.param(_sizes(wav(), len(wav()) - 8, 0), id="streamed, data size left at 0"),
        pytest.param(wav() + b"ID3\x04\x00\x00\x00\x00\x00\x05Maria", id="an ID3 tag after the RIFF chunk"),
        pytest.param(wav() + b"\x00" * 9, id="padding after the RIFF chunk"),
    ],
)
def test_a_wav_as_recorders_really_write_it_keeps_its_sound_and_nothing_else(sent: bytes) -> None:
    kept = media.recording(sent)
    assert b"Maria" not in kept.content
    with wave.open(io.BytesIO(kept.content)) as reopened, wave.open(io.BytesIO(wav())) as original:
        assert reopened.getparams() == original.getparams()
        assert reopened.readframes(reopened.getnframes()) == original.readframes(original.getnframes())


def test_an_odd_sized_tag_without_its_pad_byte_is_still_left_out() -> None:
    sound = wav()
    odd = b"LIST" + (9).to_bytes(4, "little") + b"INFOMaria"  # no pad byte after the 9 bytes
    body = b"WAVE" + odd + sound[12:]
    kept = media.recording(b"RIFF" + len(body).to_bytes(4, "little") + body)
    assert b"Maria" not in kept.content
    assert kept.content == sound


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (wav()[:36] + b"LIST" + (100).to_bytes(4, "little") + b"INFO", "cut short"),
        (b"RIFF\x04\x00\x00\x00WAVE", "no sound"),
        (b"RIFF" + (16).to_bytes(4, "little") + b"WAVE" + _chunk(b"LIST", b"INFO"), "no sound"),
    ],
)
def test_a_wav_without_its_sound_is_refused_in_words(content: bytes, words: str) -> None:
    with pytest.raises(media.MediaError, match=words):
        media.recording(content)


def test_an_mp3_loses_its_id3_tags() -> None:
    tag_body = b"TPE1\x00\x00\x00\x0b\x00\x00\x00Alex Smith"
    size = len(tag_body)
    syncsafe = bytes([(size >> 21) & 0x7F, (size >> 14) & 0x7F, (size >> 7) & 0x7F, size & 0x7F])
    frames = b"\xff\xfb\x90\x64" + b"\x01" * 200
    v1 = b"TAG" + b"Alex Smith".ljust(125, b"\x00")
    kept = media.recording(b"ID3\x04\x00\x00" + syncsafe + tag_body + frames + v1)
    assert kept.content == frames
    assert b"Alex" not in kept.content


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty"),
        (b"RIFF\x00\x00\x00\x00AVI LIST", "not a recording"),
        (b"<html>", "not a recording"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x05hello", "no sound"),
        (b"OggS" + b"\x00" * media.MAX_AUDIO_BYTES, "larger than 3 MB"),
    ],
)
def test_other_files_are_not_recordings(content: bytes, words: str) -> None:
    with pytest.raises(media.MediaError, match=words):
        media.recording(content)


SURVEY = single_choice_survey(
    {"en": "T", "es": "T"},
    "safe",
    {"en": "Did you feel safe?", "es": "¿Se sintió seguro/a?"},
    [{"code": "yes", "label": {"en": "Yes", "es": "Sí"}}, {"code": "no", "label": {"en": "No", "es": "No"}}],
    help={"en": "Think of this week.", "es": "Piense en esta semana."},
)


def test_the_script_lists_each_question_and_answer_per_language_and_what_is_recorded() -> None:
    lines = media.script(SURVEY, {("safe", "", "en"): {"Did you feel safe?\nThink of this week."}})
    states = {(line.question_key, line.option_code, line.language): line.state for line in lines}
    assert states == {
        ("safe", "", "en"): "recorded",
        ("safe", "yes", "en"): "to_record",
        ("safe", "no", "en"): "to_record",
        ("safe", "", "es"): "to_record",
        ("safe", "yes", "es"): "to_record",
        ("safe", "no", "es"): "to_record",
    }
    assert (
        next(line.words for line in lines if line.language == "es")
        == "¿Se sintió seguro/a?\nPiense en esta semana."
    )


def test_a_recording_goes_out_of_date_when_its_words_change_and_plays_only_where_they_are_shown() -> None:
    recorded = {("safe", "", "en"): {"Did you feel safe?\nThink of this week."}}
    rows = [("safe", "", "en", "Did you feel safe?\nThink of this week.", "a" * 64)]
    reworded = apply(
        SURVEY,
        WordingChange(
            question="safe",
            language="en",
            text="Did you feel safe here?",
            help="Think of this week.",
            option_labels=["Yes", "No"],
        ),
    )
    [line] = [
        line for line in media.script(reworded, recorded) if line.option_code == "" and line.language == "en"
    ]
    assert (line.state, line.words) == ("out_of_date", "Did you feel safe here?\nThink of this week.")
    assert media.kiosk_recordings(SURVEY, rows) == {"en": {"safe": "/media/" + "a" * 64}}
    assert media.kiosk_recordings(reworded, rows) == {}, "the new words are read by the tablet's voice"
    answer_rows = [("safe", "yes", "es", "Sí", "b" * 64), ("safe", "maybe", "es", "Quizás", "c" * 64)]
    assert media.kiosk_recordings(SURVEY, answer_rows) == {"es": {"safe/yes": "/media/" + "b" * 64}}


def test_a_picture_change_sets_one_answer_and_refuses_what_does_not_fit() -> None:
    from questions.changes import ChangeConflictError, PictureChange, conflict

    digest = "d" * 64
    changed = apply(SURVEY, PictureChange(question="safe", option="yes", picture=digest))
    question = changed.question("safe")
    assert question is not None
    assert question.pictures == [digest, None]
    assert apply(changed, PictureChange(question="safe", option="yes", picture=None)) == SURVEY
    with pytest.raises(ChangeConflictError, match="already shows this picture"):
        apply(changed, PictureChange(question="safe", option="yes", picture=digest))
    assert conflict(SURVEY, SURVEY, PictureChange(question="safe", option="maybe", picture=digest)) == (
        "Question safe has no answer maybe any more."
    )
    # Proposed against one draft, it closes once another change to the question is accepted first.
    assert conflict(SURVEY, changed, PictureChange(question="safe", option="no", picture=digest)) == (
        "Question safe has changed since this was proposed."
    )
