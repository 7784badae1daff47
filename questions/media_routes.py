"""The board's pictures and recordings (``/board/media``), and the stored files themselves (``/media``).

A picture for an answer is a proposal ("Change an answer's picture"), decided like any other change; a
recording reads words the board already approved, so a member uploads it directly and the script page
says who recorded what and plays it to anyone on the board. Files are served by their SHA-256, for ever.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Final

import msgspec
from litestar import Controller, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, MultipartBody, URLEncodedBody
from litestar.response import Redirect, Template

from questions import board_pages, media, media_queries, membership_queries, proposals
from questions.board_pages import BoardPages, Query, back_to
from questions.changes import PictureChange
from questions.proposals import ProposalError
from questions.schemas import CHOICE_TYPES, Language, QuestionKey
from survey.audit_queries import audit
from survey.auth import PrincipalDependency
from survey.db import Connection, ConnectionDependency, RowId
from survey.forms import Form

if TYPE_CHECKING:
    from questions.schemas import SurveyDefinition

FOREVER: Final = "public, max-age=31536000, immutable"
"""A file's URL is its SHA-256: the same URL is always the same bytes."""
OptionCode = Annotated[str, msgspec.Meta(max_length=64)]
Reason = Annotated[str, msgspec.Meta(max_length=2000)]
STATE_NAMES: Final[dict[str, str]] = {
    "to_record": "Still to record",
    "out_of_date": "Out of date: the words changed since it was recorded",
    "recorded": "Recorded",
}
NOT_A_MEMBER: Final = "Only members of the board upload recordings and propose pictures."


class RecordingUpload(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A recording of one line of the script: the words as the page showed them, and the file."""

    question: QuestionKey
    option: OptionCode = ""
    language: Language
    words: Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]
    """The words the member read, as the page showed them: refused if they changed meanwhile."""
    recording: UploadFile
    csrf_token: str = msgspec.field(default="", name="_csrf_token")


class PictureUpload(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A picture proposed for one answer, with the proposer's reason."""

    question: QuestionKey
    option: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    picture: UploadFile
    reason: Reason = ""
    csrf_token: str = msgspec.field(default="", name="_csrf_token")


class PictureRemoval(Form, kw_only=True):
    """Proposing that an answer shows its words alone again."""

    question: QuestionKey
    option: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    reason: Reason = ""


def _option_code(definition: SurveyDefinition, key: str, option: str) -> int | str:
    """The answer's stored code (a number for an instrument's scores), or 404."""
    question = definition.question(key)
    for found in question.options if question else []:
        if str(found.code) == option:
            return found.code
    raise NotFoundException("There is no such answer in the draft.")


async def _script_context(conn: Connection, survey_id: int, **extra: Any) -> dict[str, Any]:
    context = await board_pages.draft_context(conn, survey_id)
    made: dict[tuple[str, str, str], set[str]] = {}
    files: dict[tuple[str, str, str, str], str] = {}
    for row in await media_queries.recordings(conn, survey_id):
        made.setdefault((row.question_key, row.option_code, row.language), set()).add(row.recorded_text)
        files[(row.question_key, row.option_code, row.language, row.recorded_text)] = f"/media/{row.digest}"
    lines = media.script(context["draft"], made)
    return {
        **context,
        "lines": lines,
        "playing": {
            (line.question_key, line.option_code, line.language): files[key]
            for line in lines
            if (key := (line.question_key, line.option_code, line.language, line.words)) in files
        },
        "state_names": STATE_NAMES,
        "error": "",
        "done": None,
        **extra,
    }


async def _pictures_context(conn: Connection, survey_id: int, **extra: Any) -> dict[str, Any]:
    context = await board_pages.draft_context(conn, survey_id)
    draft = context["draft"]
    return {
        **context,
        "choice_questions": [q for q in draft.questions if q.type in CHOICE_TYPES and q.options],
        "first": draft.languages[0],
        "max_megabytes": media.MAX_PICTURE_BYTES // 1_000_000,
        "error": "",
        **extra,
    }


async def _member(conn: Connection, account_id: int) -> bool:
    return account_id in await membership_queries.active_members(conn)


class BoardMediaController(BoardPages):
    """The script to record with its uploads, and pictures for answers proposed to the board."""

    path = "/board/media"

    @get("/surveys/{survey_id:int}/script", operation_id="board_media_script")
    async def script(self, conn: ConnectionDependency, survey_id: RowId, done: Query = "") -> Template:
        """What the kiosk reads in each language, and which recordings are still to make or out of date."""
        messages = {"recorded": "Thank you: the recording is kept. Kiosks play it wherever these words show."}
        context = await _script_context(conn, survey_id, done=messages.get(done))
        return Template("board/media_script.html", context=context)

    @post("/surveys/{survey_id:int}/recordings", operation_id="board_media_record")
    async def record(
        self,
        conn: ConnectionDependency,
        principal: PrincipalDependency,
        survey_id: RowId,
        data: MultipartBody[RecordingUpload],
    ) -> Template | Redirect:
        """Keep a recording of one line of the script, if its words are still the draft's."""

        async def refused(message: str, status: int) -> Template:
            context = await _script_context(conn, survey_id, error=message)
            return Template("board/media_script.html", context=context, status_code=status)

        if not await _member(conn, principal.account_id):
            return await refused(NOT_A_MEMBER, 403)
        draft = (await board_pages.draft_context(conn, survey_id))["draft"]
        words = media.words_for(draft, data.question, data.option, data.language)
        if words is None:
            raise NotFoundException("There is no such line in the script.")
        if words != data.words.replace("\r\n", "\n").strip():
            return await refused(
                "The words changed since this page was opened: here is the script as it stands now.", 409
            )
        try:
            file = media.recording(await data.recording.read(media.MAX_AUDIO_BYTES + 1))
        except media.MediaError as problem:
            return await refused(str(problem), 422)
        async with conn.transaction():
            await media_queries.save_media(conn, file, principal.account_id)
            await media_queries.save_recording(
                conn,
                survey_id,
                question_key=data.question,
                option_code=data.option,
                language=data.language,
                words=words,
                digest=file.digest,
                uploaded_by=principal.account_id,
            )
            detail = {"survey_id": survey_id, "question": data.question, "option": data.option}
            await audit(
                conn,
                "recording_uploaded",
                account_id=principal.account_id,
                subject=data.language,
                detail=detail,
            )
        return back_to(f"/board/media/surveys/{survey_id}/script", "recorded")

    @get("/surveys/{survey_id:int}/pictures", operation_id="board_media_pictures")
    async def pictures(self, conn: ConnectionDependency, survey_id: RowId) -> Template:
        """Each choice question's answers with their picture, and a way to propose one."""
        return Template("board/media_pictures.html", context=await _pictures_context(conn, survey_id))

    @post("/surveys/{survey_id:int}/pictures", operation_id="board_media_propose_picture")
    async def propose_picture(
        self,
        conn: ConnectionDependency,
        principal: PrincipalDependency,
        survey_id: RowId,
        data: MultipartBody[PictureUpload],
    ) -> Template | Redirect:
        """Check and store a picture, and propose it for one answer: the board decides."""
        draft = (await board_pages.draft_context(conn, survey_id))["draft"]
        code = _option_code(draft, data.question, data.option)
        try:
            file = media.picture(await data.picture.read(media.MAX_PICTURE_BYTES + 1))
        except media.MediaError as problem:
            status = 413 if "larger" in str(problem) else 422
            context = await _pictures_context(conn, survey_id, error=str(problem))
            return Template("board/media_pictures.html", context=context, status_code=status)
        change = PictureChange(question=data.question, option=code, picture=file.digest)
        return await _propose(conn, principal.account_id, survey_id, change, data.reason, file)

    @post("/surveys/{survey_id:int}/pictures/remove", operation_id="board_media_propose_no_picture")
    async def propose_no_picture(
        self,
        conn: ConnectionDependency,
        principal: PrincipalDependency,
        survey_id: RowId,
        data: URLEncodedBody[PictureRemoval],
    ) -> Template | Redirect:
        """Propose that an answer shows its words alone again."""
        draft = (await board_pages.draft_context(conn, survey_id))["draft"]
        code = _option_code(draft, data.question, data.option)
        change = PictureChange(question=data.question, option=code, picture=None)
        return await _propose(conn, principal.account_id, survey_id, change, data.reason, None)


async def _propose(
    conn: Connection,
    account_id: int,
    survey_id: int,
    change: PictureChange,
    reason: str,
    file: media.MediaFile | None,
) -> Template | Redirect:
    """Store the picture and make the proposal in one transaction; the pictures page says why if refused."""
    try:
        async with conn.transaction():
            if file is not None:
                await media_queries.save_media(conn, file, account_id)
            proposal_id = await proposals.propose(conn, survey_id, change, reason=reason, actor_id=account_id)
    except ProposalError as refused:
        context = await _pictures_context(conn, survey_id, error=str(refused))
        return Template("board/media_pictures.html", context=context, status_code=422)
    return back_to(f"/board/proposals/{proposal_id}", "proposed")


class MediaController(Controller):
    """The stored pictures and recordings, by their SHA-256: for the kiosk, its service worker and previews.

    Public like the static files: they are the survey's own material, never anything about a
    participant, and a URL can only be known from a survey or a proposal (2^256 possible names).
    """

    path = "/media"
    tags = ["kiosk"]
    include_in_schema = False

    @get("/{digest:str}", operation_id="media_file", opt={"public": True}, cache_control=None)
    async def file(self, conn: ConnectionDependency, digest: FromPath[str]) -> Response[bytes]:
        """One stored file with its own content type, to be cached for ever."""
        if len(digest) != 64 or digest.strip("0123456789abcdef"):
            raise NotFoundException("There is no such file.")
        found = await media_queries.media(conn, digest)
        if found is None:
            raise NotFoundException("There is no such file.")
        return Response(
            found.content,
            media_type=found.content_type,
            headers={"cache-control": FOREVER, "x-content-type-options": "nosniff"},
        )
