"""``survey questions`` (surveys, versions, XLSForms, instruments) and ``survey board`` (its setting up)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
import msgspec

from questions import bank, member_pages, membership, proposal_queries, proposals, queries, versions, xlsform
from survey import queries as account_queries
from survey.cli_support import with_database

if TYPE_CHECKING:
    from questions.membership_queries import BoardProposal
    from questions.proposal_kind_queries import ExternalProposal
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
@click.option("--name", default=None, help="Survey name (default: the form's title, else the file's name).")
@click.option("--dry-run", is_flag=True, help="Print the import report and keep nothing.")
def import_xlsform(workbook: Path, name: str | None, dry_run: bool) -> None:
    """Import an XLSForm (.xlsx or .xls) from KoboToolbox or ODK as a new survey's draft, for the board.

    Prints the import report: for each row, what it became or why it was left out.
    """
    try:
        imported = xlsform.import_workbook(workbook.read_bytes(), file_name=workbook.name)
    except xlsform.XLSFormError as refused:
        if refused.report is not None:
            click.echo(xlsform.report_text(refused.report))
        raise click.ClickException(f"{workbook.name}: {refused}") from None
    click.echo(xlsform.report_text(imported.report))
    if dry_run:
        click.echo("Dry run: nothing was kept.")
        return

    async def work(conn: Connection) -> int:
        return await versions.create_survey(
            conn, name=name or imported.title, definition=imported.definition, actor_id=None
        )

    try:
        survey_id = with_database(work)
    except versions.SurveyError as refused:
        raise click.ClickException(f"{refused} Choose another with --name.") from None
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

    async def work(conn: Connection) -> proposal_queries.Proposal | BoardProposal | ExternalProposal:
        return await proposals.count_again(conn, proposal_id)

    try:
        settled = with_database(work)
    except (proposals.ProposalError, versions.PublishRefusedError) as refused:
        raise click.ClickException(str(refused)) from None
    if isinstance(settled, proposal_queries.Proposal) and settled.published_version is not None:
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


@click.group(name="board")
def board_group() -> None:
    """The board's members and quorum; an admin may change them only while the board is being set up."""


@board_group.command(name="members")
def board_members() -> None:
    """One member a line: account name, chosen name, how they joined; then the quorum."""
    state = with_database(membership.board_state)
    for member in state.members:
        off = "" if member.votes else "\t(votes do not count: account off or no board role)"
        click.echo(f"{member.name}\t{member.display_name}\t{member_pages.joined_words(member)}{off}")
    stage = "being set up" if state.setting_up else "set up: only the board changes its members and quorum"
    click.echo(
        f"{len(state.members)} members; a proposal needs {state.needed} approvals; the board is {stage}."
    )


@board_group.command(name="add-member")
@click.argument("name")
def board_add_member(name: str) -> None:
    """Make the account NAME (board role) a member, only while the board has fewer members than its quorum.

    Afterwards new members join only when the board accepts a proposal to welcome them.
    """

    async def work(conn: Connection) -> str:
        account = await account_queries.account_by_name(conn, name)
        if account is None:
            raise membership.MembershipError(f"There is no account called {name!r}.")
        return await membership.add_during_setup(conn, account.id, actor_id=None)

    added = with_database(work)
    click.echo(f"{added} is a member of the board (added while the board is being set up; audited).")


@board_group.command(name="quorum")
@click.argument("approvals")
def board_quorum(approvals: str) -> None:
    """Set the approvals a proposal needs (a number, or "majority"), only while the board is being set up.

    Once the board has as many members as its quorum, only the board changes it, by a proposal.
    """
    setting = None if approvals.strip().lower() == "majority" else _whole_number(approvals)

    async def work(conn: Connection) -> None:
        await proposals.set_quorum(conn, setting, actor_id=None)

    try:
        with_database(work)
    except proposals.ProposalError as refused:
        raise click.ClickException(str(refused)) from None
    click.echo(f"Quorum set: {membership.quorum_words(setting)}.")


def _whole_number(text: str) -> int:
    if not text.strip().isdigit() or not text.strip().isascii():
        raise click.BadParameter(f"{text!r} is not a number of approvals (or 'majority').")
    return int(text)
