"""``survey questions``: surveys and versions, XLSForm import and export, and licensed instruments."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
import msgspec

from questions import bank, proposal_queries, proposals, queries, versions, xlsform
from survey.cli_support import with_database

if TYPE_CHECKING:
    from survey.db import Connection


@click.group(name="questions")
def questions_group() -> None:
    """Surveys, versions, XLSForm import and export, instruments."""


@questions_group.command(name="list")
def list_surveys() -> None:
    """One survey a line: id, name, newest published version."""
    for survey in with_database(queries.surveys):
        latest = f"version {survey.latest_version}" if survey.latest_version else "draft only"
        click.echo(f"{survey.id}\t{survey.name}\t{latest}")


@questions_group.command(name="import")
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--name", default=None, help="Survey name (default: the form's title).")
def import_xlsform(workbook: Path, name: str | None) -> None:
    """Import an XLSForm (.xlsx) from KoboToolbox or ODK as a new survey's draft, for the board to review."""
    imported = xlsform.import_workbook(workbook.read_bytes())

    async def work(conn: Connection) -> int:
        return await versions.create_survey(
            conn, name=name or imported.title, definition=imported.definition, actor_id=None
        )

    survey_id = with_database(work)
    for notice in imported.notices:
        click.echo(f"note: {notice}", err=True)
    questions = len(imported.definition.questions)
    click.echo(
        f"Survey {survey_id} created with {questions} questions as a draft; "
        "the board reviews it before it is published."
    )


@questions_group.command(name="publish")
@click.argument("proposal_id", type=int)
def publish_proposal(proposal_id: int) -> None:
    """Settle the board's publish proposal PROPOSAL_ID by counting its votes again, publishing if accepted.

    Votes settle proposals as they are cast; this is for after an admin changed the quorum or the board's
    members. Nothing is published without the board's approvals: the publishing gate counts them again.
    """

    async def work(conn: Connection) -> proposal_queries.Proposal:
        return await proposals.count_again(conn, proposal_id)

    try:
        settled = with_database(work)
    except (proposals.ProposalError, versions.PublishRefusedError) as refused:
        raise click.ClickException(str(refused)) from None
    if settled.published_version is not None:
        click.echo(f"Version {settled.published_version} of {settled.survey_name} is published.")
    else:
        click.echo(f"Proposal {proposal_id} is {settled.status}. {settled.outcome}")


@questions_group.command(name="export")
@click.argument("version_id", type=int)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None, help="File to write."
)
def export_xlsform(version_id: int, output: Path | None) -> None:
    """Write a published version as an XLSForm (.xlsx) that KoboToolbox and ODK can load."""
    published = with_database(lambda conn: queries.version(conn, version_id))
    if published is None:
        raise click.ClickException(f"There is no published version {version_id}.")
    target = output or Path(f"survey-{published.survey_id}-v{published.number}.xlsx")
    form_id = f"survey_{published.survey_id}"
    target.write_bytes(xlsform.export(published.definition, form_id=form_id, version=str(published.number)))
    click.echo(f"Version {published.number} written to {target}.")


@questions_group.command(name="add-instrument")
@click.argument("definition", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def add_instrument(definition: Path) -> None:
    """Load an instrument (items and scoring rules, JSON) that the program holds a licence for."""
    try:
        instrument = bank.parse_instrument(definition.read_bytes())
    except msgspec.ValidationError as error:
        raise click.ClickException(f"{definition.name}: {error}") from None

    async def work(conn: Connection) -> None:
        await queries.upsert_instrument(conn, instrument, added_by=None)

    with_database(work)
    measures = ", ".join(rule.measure for rule in instrument.measures)
    click.echo(f"Instrument {instrument.key} loaded: {len(instrument.items)} items, measures {measures}.")
