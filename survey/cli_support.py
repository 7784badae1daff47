"""What every ``survey`` command shares: one database connection, migrations first, plain-line errors."""

from __future__ import annotations

import asyncio
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeRemainingColumn,
)

from survey import migrate
from survey.db import Connection, create_pool, database_url
from survey.problems import SetupProblem
from survey.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterator

T = TypeVar("T")
console = Console(stderr=True)


def with_database(work: Callable[[Connection], Awaitable[T]], *, apply_migrations: bool = True) -> T:
    """Run ``work`` on one connection to the configured database (starting or joining the embedded one)."""
    settings = Settings.from_env()
    url = database_url(settings)

    async def main() -> T:
        pool = await create_pool(url, min_size=1, max_size=1)
        try:
            async with pool.acquire() as conn:
                if apply_migrations:
                    await migrate_with_progress(conn)
                return await work(conn)
        finally:
            await pool.close()

    try:
        return asyncio.run(main())
    except SetupProblem as error:
        raise click.ClickException(str(error)) from error


@contextmanager
def progress_bar(description: str, total: int) -> Iterator[Callable[[int], None]]:
    """A progress bar on the terminal; the context gives a function that advances it."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
    ) as bar:
        task = bar.add_task(description, total=total)
        yield lambda step: bar.advance(task, step)


async def migrate_with_progress(conn: Connection) -> list[str]:
    """Apply pending migrations with a spinner on the terminal, returning the files applied."""
    pending = [state for state in await migrate.status(conn) if not state.applied]
    if not pending:
        # Still run: it checks that no applied file has changed, and refuses to go on if one has.
        return await migrate.apply_all(conn)
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), console=console, transient=True
    ) as progress:
        progress.add_task(f"Applying {len(pending)} migration(s)", total=None)
        return await migrate.apply_all(conn)
