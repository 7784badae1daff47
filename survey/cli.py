"""The ``survey`` command: Litestar's CLI with the platform's own commands added (and ``run`` replaced)."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any

import click
from rich.progress import Progress, SpinnerColumn, TextColumn
from rich_click import RichGroup

from questions import membership
from questions.cli import board_group, questions_group
from survey import (
    accounts,
    backup,
    demo,
    kiosks,
    logs,
    migrate,
    passwords,
    queries,
    synthetic,
)
from survey.cli_support import console, migrate_with_progress, progress_bar, with_database
from survey.db import Connection, database_url, redact
from survey.problems import SetupProblem
from survey.schemas import ROLES, Role
from survey.settings import Settings

LAZY = "imported where used"
"""The disclosure audit (scipy, about a second) and Litestar's own CLI are imported by the commands that
use them, inside the command: every other command starts without them (tests/survey/test_cli.py)."""


@click.command(name="run")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on."
)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="Worker processes.")
@click.option("--reload", is_flag=True, help="Restart when the code changes (development).")
def run_command(host: str, port: int, workers: int, reload: bool) -> None:
    """Serve the platform; without DATABASE_URL, start the embedded PostgreSQL once for every worker."""
    import uvicorn

    settings = Settings.from_env()
    try:
        url = database_url(settings)
        applied = with_database(migrate_with_progress)
    except SetupProblem as error:
        raise click.ClickException(str(error)) from error
    # Workers inherit the URL, so they join the server this process started instead of starting their own.
    os.environ["DATABASE_URL"] = url
    shown = "127.0.0.1" if host in {"0.0.0.0", "::"} else host  # noqa: S104 - comparing only
    base = f"http://{shown}:{port}"
    database = (
        "embedded PostgreSQL in " + str(settings.data_dir) if not settings.database_url else redact(url)
    )
    click.echo(f"Database: {database}" + (f" ({len(applied)} migration(s) applied)" if applied else ""))
    click.echo(
        f"Sign in:  {base}/signin\nAdmin:    {base}/admin\nHealth:   {base}/healthz\nAPI:      {base}/schema"
    )
    click.echo("Press Ctrl-C to stop.")
    # uvicorn re-raises the signal that stopped it once it has shut down; SIGTERM's default action would end
    # the process before the exit handlers that stop the embedded PostgreSQL, so turn it into a normal exit.
    signal.signal(signal.SIGTERM, _exit_normally)
    uvicorn.run(
        "survey.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        log_config=logs.log_config(settings.log_level),
        **server_options(settings),
    )


def server_options(settings: Settings) -> dict[str, Any]:
    """Uvicorn's options for the platform: no access log, no websockets, the trusted proxies' headers.

    Shared by ``survey run`` and the browser tests' in-process server (tests/browser/support.py).
    """
    return {
        "access_log": False,
        "ws": "none",
        "proxy_headers": True,
        "forwarded_allow_ips": settings.forwarded_allow_ips,
        "server_header": False,
    }


def _exit_normally(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


@click.group(name="db")
def db_group() -> None:
    """The database: migrations, status, backups."""


@db_group.command(name="migrate")
def db_migrate() -> None:
    """Apply pending migrations (safe while servers run: they share one lock)."""
    applied = with_database(migrate_with_progress)
    click.echo("\n".join(f"applied {name}" for name in applied) or "Up to date: nothing to apply.")


@db_group.command(name="status")
def db_status() -> None:
    """List each migration file and whether it is applied."""
    states = with_database(migrate.status, apply_migrations=False)
    for state in states:
        click.echo(f"{'applied' if state.applied else 'pending'}  {state.name}")


@db_group.command(name="backup")
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True, help="File to write."
)
def db_backup(output: Path) -> None:
    """Write a pg_dump (custom format) of the whole database; restore it with `survey db restore`."""
    settings = Settings.from_env()
    try:
        url = database_url(settings)
        with Progress(
            SpinnerColumn(), TextColumn("{task.description}"), console=console, transient=True
        ) as bar:
            bar.add_task(f"Writing {output}", total=None)
            size = backup.dump(url, output)
    except SetupProblem as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup written to {output} ({size:,} bytes).")


@db_group.command(name="restore")
@click.argument("backup_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def db_restore(backup_file: Path, yes: bool) -> None:
    """Replace the database's contents with a backup (stop the servers first)."""
    if not yes:
        click.confirm("This replaces everything in the database with the backup. Go on?", abort=True)
    settings = Settings.from_env()
    try:
        backup.restore(database_url(settings), backup_file)
    except SetupProblem as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored {backup_file}.")


@click.group(name="demo")
def demo_group() -> None:
    """Demo data for trying the platform."""


@demo_group.command(name="seed")
@click.option(
    "--responses",
    type=click.IntRange(0, 10_000_000),
    default=0,
    show_default=True,
    help="Synthetic responses to add when the demo survey is made now (so the dashboard has data).",
)
def demo_seed(responses: int) -> None:
    """Add two demo sites, one account per role (passwords printed once) and the published demo survey."""
    seeded = with_database(demo.seed)
    if seeded.survey_version is not None:
        click.echo(f"Demo survey published as version {seeded.survey_version}.")
        if responses:
            _add_synthetic(responses, seed=1)
            click.echo(f"{responses:,} synthetic responses added, so the outcomes dashboard has data.")
            _warm()
    if not seeded.accounts:
        click.echo("The database already holds sites or accounts: none were added.")
        return
    click.echo("Demo program ready. These passwords and PINs are shown only now:")
    for account in seeded.accounts:
        click.echo(f"  {account.name:<10} ({', '.join(account.roles)}): {account.password}")
    for site, pin in seeded.pins.items():
        click.echo(f"  staff PIN at {site}: {pin}")


@demo_group.command(name="responses")
@click.option("--count", type=click.IntRange(1, 10_000_000), default=5000, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same responses.")
def demo_responses(count: int, seed: int) -> None:
    """Add synthetic responses to the demo survey (sites, 12 months, a real change, a small site)."""
    made = _add_synthetic(count, seed=seed)
    click.echo(f"{made:,} synthetic responses added.")
    _warm()


def _add_synthetic(count: int, *, seed: int) -> int:
    pepper = Settings.from_env().linkage_pepper
    with progress_bar(f"Adding {count:,} synthetic responses", count) as advance:
        return with_database(
            lambda conn: synthetic.generate(conn, count, seed=seed, pepper=pepper, progress=advance)
        )


@click.group(name="analysis")
def analysis_group() -> None:
    """Outcome measures: scores and aggregates."""


@analysis_group.command(name="rescore")
def analysis_rescore() -> None:
    """Recompute every response's scores with the current scoring rules."""
    from analysis import rescore  # see LAZY
    from analysis.queries import response_count

    total = with_database(response_count)
    with progress_bar("Rescoring responses", total) as advance:
        done = with_database(lambda conn: rescore.rescore(conn, progress=advance))
    click.echo(f"{done:,} responses rescored.")
    _warm()


def _warm() -> None:
    """Decide the protected sets now, so the first dashboard after new data is quick."""
    from analysis import protected_store  # see LAZY

    k = Settings.from_env().min_cell
    click.echo("Deciding what the dashboards may show (the disclosure audit)...")
    surveys = with_database(lambda conn: protected_store.warm(conn, k))
    click.echo(f"Protected figures ready for {surveys} survey(s) at k = {k}.")


@analysis_group.command(name="audit")
@click.argument("survey_id", type=click.IntRange(1, 2**63 - 1))
def analysis_audit(survey_id: int) -> None:
    """Decide and audit the survey's protected figures again, and print what the audit checked."""
    from analysis import protected_store  # see LAZY

    k = Settings.from_env().min_cell
    try:
        kept = with_database(lambda conn: protected_store.current(conn, survey_id, k, rebuild=True))
    except LookupError as missing:
        raise click.ClickException(str(missing)) from None
    click.echo(f"Survey {survey_id}, k = {k}: {len(kept.periods)} stored period(s).")
    for measure in kept.measures:
        hidden = [f for f in measure.figures if f.hidden is not None]
        small = sum(1 for f in hidden if f.hidden == "fewer than k")
        audited = measure.audit
        click.echo(
            f"  {measure.measure}: {audited.figures} figures over {audited.cells} unpublished cells;"
            f" {audited.published_counts} counts and {audited.published_sums} sums published;"
            f" {small} hidden as fewer than k, {len(hidden) - small} to protect them;"
            f" {audited.checked} small groups bounded in {audited.solves} integer programs,"
            f" {audited.seconds:.2f} s: {'passed' if audited.passed else 'FAILED'}"
        )
        if measure.band_audit is not None:
            bands = measure.band_audit
            click.echo(
                f"    bands: {bands.figures} figures, {bands.checked} small counts bounded in"
                f" {bands.solves} programs, {bands.seconds:.2f} s: {'passed' if bands.passed else 'FAILED'}"
            )
        if measure.mode_audit is not None:
            modes = measure.mode_audit
            click.echo(
                f"    how it was answered: {modes.figures} figures, {modes.checked} small groups bounded in"
                f" {modes.solves} programs, {modes.seconds:.2f} s: {'passed' if modes.passed else 'FAILED'}"
            )


@click.group(name="responses")
def responses_group() -> None:
    """Held and released responses."""


@responses_group.command(name="shuffle")
def responses_shuffle() -> None:
    """Release the held responses of the days that have ended now, in one shuffled batch.

    The server does this itself a few minutes after each midnight (UTC); today's arrivals always wait for
    the day to end, so a batch is never less than a whole day, whenever this runs.
    """
    from survey import release  # see LAZY

    outcome = with_database(release.release)
    if outcome.status == "busy":
        raise click.ClickException("Another process is releasing responses right now; try again shortly.")
    if outcome.status == "released":
        click.echo(f"{outcome.responses:,} held responses released in one shuffled batch.")
    else:
        click.echo("No held responses of an ended day to release.")
    click.echo(f"{outcome.still_held:,} responses of today wait for tomorrow's release.")


@click.group(name="retention")
def retention_group() -> None:
    """Each survey's retention policy: free text and responses deleted when due, the figures kept."""


@retention_group.command(name="run")
def retention_run() -> None:
    """Delete now what every survey's policy says is due (the server does it each night); audited."""
    from analysis import protected_store  # see LAZY
    from survey import retention

    async def work(conn: Connection) -> retention.RetentionOutcome:
        outcome = await retention.run(conn, "command line")
        if outcome.deleted_anything:
            await protected_store.warm(conn, Settings.from_env().min_cell)
        return outcome

    outcome = with_database(work)
    if outcome.status == "busy":
        raise click.ClickException("Responses are being released right now; try again shortly.")
    for line in retention.summary_lines(outcome):
        click.echo(line)


@click.group(name="site")
def site_group() -> None:
    """Sites where the program meets people."""


@site_group.command(name="list")
def site_list() -> None:
    """One site a line: its name, then its main language."""
    for site in with_database(queries.sites):
        click.echo(f"{site.name}\t{site.default_language}")


@site_group.command(name="pin")
@click.argument("name")
@click.option("--pin", default=None, help="4 to 12 digits; prompted for (hidden) when not given.")
def site_pin(name: str, pin: str | None) -> None:
    """Set the staff PIN that leaves kiosk mode at a site."""
    if pin is None:
        pin = click.prompt("Staff PIN", hide_input=True, confirmation_prompt=True)

    async def work(conn: Connection) -> None:
        site_id = await kiosks.site_id_by_name(conn, name)
        await kiosks.set_pin(conn, site_id=site_id, pin=pin, actor_id=None)

    with_database(work)
    click.echo(f"Staff PIN of {name} set.")


@click.group(name="kiosk")
def kiosk_group() -> None:
    """Kiosks: the tablets where participants answer."""


@kiosk_group.command(name="enroll")
@click.option("--site", "site_name", required=True, help="The site the tablet stands at.")
@click.option("--label", default="Tablet", show_default=True, help="A name for the tablet.")
@click.option(
    "--print-token", is_flag=True, help="Enrol at once and print the tablet token (scripted kiosks)."
)
def kiosk_enroll(site_name: str, label: str, print_token: bool) -> None:
    """Add a kiosk and print its one-time code (valid 15 minutes), or with --print-token its token."""
    settings = Settings.from_env()

    async def work(conn: Connection) -> str:
        site_id = await kiosks.site_id_by_name(conn, site_name)
        if print_token:
            return await kiosks.create_enrolled(conn, site_id=site_id, label=label, actor_id=None)
        _, code = await kiosks.create(
            conn, site_id=site_id, label=label, actor_id=None, secret=settings.csrf_secret
        )
        return code

    secret = with_database(work)
    if print_token:
        click.echo(secret)
    else:
        click.echo(
            f"Kiosk code for {label} at {site_name}: {secret} (type it at /kiosk/enroll within 15 minutes)"
        )


@kiosk_group.command(name="list")
def kiosk_list() -> None:
    """One kiosk a line: id, tablet name, site, state."""
    for kiosk in with_database(kiosks.listing):
        state = (
            "off"
            if kiosk.revoked
            else "paused"
            if kiosk.enrolled and kiosk.paused
            else "in use"
            if kiosk.enrolled
            else "waiting"
            if kiosk.code_pending
            else "expired"
        )
        click.echo(f"{kiosk.id}\t{kiosk.label}\t{kiosk.site}\t{state}")


@kiosk_group.command(name="revoke")
@click.argument("kiosk_id", type=int)
def kiosk_revoke(kiosk_id: int) -> None:
    """Turn a kiosk off: its token stops working at its next request."""

    async def work(conn: Connection) -> None:
        await kiosks.revoke(conn, kiosk_id=kiosk_id, actor_id=None)

    with_database(work)
    click.echo(f"Kiosk {kiosk_id} turned off.")


@click.group(name="user")
def user_group() -> None:
    """Staff, board and evaluator accounts."""


@user_group.command(name="create")
@click.argument("name")
@click.option(
    "--role", "roles", multiple=True, required=True, type=click.Choice(ROLES), help="Repeat for several."
)
@click.option("--display-name", default="", help="Name shown to others (default: the account name).")
@click.option("--password", default=None, help="Prompted for (hidden) when not given.")
def user_create(name: str, roles: tuple[Role, ...], display_name: str, password: str | None) -> None:
    """Add an account with one or more roles."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    chosen = [role for role in ROLES if role in roles]

    async def work(conn: Connection) -> membership.BoardState | None:
        await accounts.create_account(
            conn, actor_id=None, name=name, display_name=display_name or name, roles=chosen, password=password
        )
        return await membership.board_state(conn) if "board" in chosen else None

    board = with_database(work)
    click.echo(f"Account {name} added ({', '.join(chosen)}).")
    if board is not None and board.setting_up:
        click.echo(f"The board is being set up: `survey board add-member {name}` makes them a voting member.")
    elif board is not None:
        click.echo(
            f"{name} can read the board's pages but is not a voting member: the board decides who joins it,"
            " so a member proposes welcoming them on the board's Members page (/board/members)."
        )


@user_group.command(name="password")
@click.argument("name")
def user_password(name: str) -> None:
    """Give an account a new generated password (printed once); its sessions end."""
    password = passwords.generate_password()

    async def work(conn: Connection) -> None:
        account = await queries.account_by_name(conn, name)
        if account is None:
            raise accounts.AccountError(f"There is no account called {name!r}.")
        await accounts.set_password(conn, actor_id=None, account_id=account.id, password=password)

    with_database(work)
    click.echo(f"New password for {name}: {password}")


@user_group.command(name="token")
@click.argument("name")
@click.option("--label", default="", help="What the token is for.")
def user_token(name: str, label: str) -> None:
    """Print a new API token for an evaluator, once (only its hash is kept)."""

    async def work(conn: Connection) -> str:
        account = await queries.account_by_name(conn, name)
        if account is None:
            raise accounts.AccountError(f"There is no account called {name!r}.")
        return await accounts.issue_token(conn, actor_id=None, account=account, label=label)

    click.echo(with_database(work))


@user_group.command(name="list")
def user_list() -> None:
    """One account a line: name, roles, and whether it can sign in."""
    for account in with_database(queries.accounts):
        click.echo(f"{account.name}\t{','.join(account.roles)}\t{'active' if account.active else 'off'}")


def main() -> None:
    """Entry point of the ``survey`` command."""
    os.environ.setdefault("LITESTAR_APP", "survey.app:create_app")
    os.environ.setdefault("LITESTAR_QUIET_CONSOLE", "1")
    commands = (
        run_command,
        db_group,
        demo_group,
        site_group,
        kiosk_group,
        responses_group,
        retention_group,
        user_group,
        board_group,
        questions_group,
        analysis_group,
    )
    # Our own commands need no Litestar app: Litestar's group builds one before any command runs (a
    # second and a half each time), so it serves only help and Litestar's own commands (`routes`...).
    first = next((arg for arg in sys.argv[1:] if not arg.startswith("-")), None)
    if first in {command.name for command in commands}:
        group: click.Group = RichGroup(name="survey", help=__doc__)
    else:
        from litestar.cli.main import litestar_group  # see LAZY

        group = litestar_group
    for command in commands:
        group.add_command(command)
    try:
        group(prog_name="survey")
    except SetupProblem as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(2)
