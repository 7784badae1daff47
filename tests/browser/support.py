"""Helpers for the browser tests."""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
import time
from pathlib import Path
from typing import Any

import uvicorn
from playwright.async_api import Browser, BrowserContext, Page

from questions import versions
from questions.schemas import SurveyDefinition
from survey import db
from survey.app import create_app
from survey.cli import server_options
from survey.settings import Settings
from tests.support import LiveServer, demo_kiosk, free_port, publish_with_board, survey_env

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


async def axe_violations(page: Page) -> list[str]:
    await page.evaluate(AXE.read_text())
    result = await page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


TABLET = {"viewport": {"width": 768, "height": 1024}, "has_touch": True}
# The tablet's voice, faked at the engine but with Chromium's own utterances and speech events: it
# records what is said, has an English and a Spanish voice (window.__voices, which a later init script
# may replace), starts each utterance in turn and ends the current one on window.__finishSpeaking().
RECORD_SPEECH = """
window.__spoken = [];
if (window.speechSynthesis) {
  const queue = [];
  let current = null;
  const fire = (u, type) => u.dispatchEvent(new SpeechSynthesisEvent(type, {utterance: u}));
  const startNext = () => { current = queue.shift() || null; if (current) fire(current, "start"); };
  window.speechSynthesis.getVoices = () => window.__voices || [
    {lang: "en-US", name: "Test English", voiceURI: "test-en", localService: true, default: true},
    {lang: "es-ES", name: "Test Español", voiceURI: "test-es", localService: true, default: false},
  ];
  window.speechSynthesis.speak = (u) => {
    window.__spoken.push({text: u.text, lang: u.lang});
    queue.push(u);
    if (!current) startNext();
  };
  window.speechSynthesis.cancel = () => {
    queue.length = 0;
    const was = current;
    current = null;
    if (was) fire(was, "end");
  };
  window.__finishSpeaking = () => {
    const was = current;
    current = null;
    if (was) fire(was, "end");
    startNext();
  };
}
"""


async def enrolled_token(database_url: str, survey: SurveyDefinition | None = None) -> str:
    """A kiosk at the demo's first site, running ``survey`` (published) instead of the demo when given."""
    token = await demo_kiosk(database_url)
    if survey is not None:
        conn = await db.connect(database_url)
        try:
            survey_id = await versions.create_survey(
                conn, name="Other survey", definition=survey, actor_id=None
            )
            await publish_with_board(database_url, survey_id)
            await conn.execute("UPDATE site SET survey_id = $1", survey_id)
        finally:
            await conn.close()
    return token


async def tablet(browser: Browser, server: LiveServer | Link, token: str, **extra: Any) -> BrowserContext:
    context = await browser.new_context(**{**TABLET, **extra})
    await context.add_cookies([{"name": "survey_kiosk", "value": token, "url": server.base_url}])
    await context.add_init_script(RECORD_SPEECH)
    return context


class ServerThread:
    """The app served by uvicorn in a thread of the test process, as ``survey run`` serves it.

    The same application, settings (read from the same environment as the ``survey run`` subprocess of
    ``tests/support.py``) and uvicorn options, without a new interpreter importing everything again
    (about 3 s a test). ``survey run`` itself is tested in tests/survey/test_cli.py and
    tests/survey/test_privacy_logs.py.
    """

    def __init__(self, database_url: str, tmp_path: Path) -> None:
        settings = Settings.from_env(survey_env(tmp_path, database_url))
        port = free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        self._records: list[str] = []
        self._handler = _Kept(self._records)
        config = uvicorn.Config(
            create_app(settings), host="127.0.0.1", port=port, log_config=None, **server_options(settings)
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name=f"server-{port}", daemon=True)

    def start(self) -> ServerThread:
        """Serve, and return once uvicorn listens (the lifespan, with the database pool, has run)."""
        logging.getLogger().addHandler(self._handler)
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the server did not start:\n{self.log()}")
            time.sleep(0.02)
        return self

    def log(self) -> str:
        """Every log line the process wrote while this server ran."""
        return "\n".join(self._records)

    def stop(self, signum: int = signal.SIGINT) -> None:
        """Shut down as Ctrl-C would: the lifespan's shutdown runs, the pool closes."""
        del signum  # a thread has one way to stop
        self._server.should_exit = True
        self._thread.join(timeout=20)
        logging.getLogger().removeHandler(self._handler)


class _Kept(logging.Handler):
    def __init__(self, records: list[str]) -> None:
        super().__init__()
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(self.format(record))


class Link:
    """A TCP relay between the tablet and the server that the test can cut, as a dropped Wi-Fi would.

    Playwright's offline emulation and request routes do not reliably cover a page its service worker
    controls (microsoft/playwright#2311, #7588), so the tests cut the network itself: while cut, every
    open connection is closed and every new one is closed on arrival, so the browser sees a network error.
    """

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.cut = False
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.StreamWriter] = set()

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", 0)

    async def close(self) -> None:
        self.down()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def down(self) -> None:
        self.cut = True
        for writer in list(self._open):
            writer.transport.abort()
        self._open.clear()

    def up(self) -> None:
        self.cut = False

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.cut:
            writer.transport.abort()
            return
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.transport.abort()
            return
        self._open.update((writer, upstream_writer))
        await asyncio.gather(
            self._pump(reader, upstream_writer), self._pump(upstream_reader, writer), return_exceptions=True
        )
        for end in (writer, upstream_writer):
            self._open.discard(end)
            end.transport.abort()

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while chunk := await reader.read(65536):
            if self.cut:
                break
            writer.write(chunk)
            await writer.drain()
        writer.transport.abort()
