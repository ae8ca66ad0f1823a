"""The `vidtask` command: the GUI when run bare, and every operation the UI offers.

Commands that need no window never import PySide6 (start-up stays quick). Errors print one line
to stderr and exit non-zero; tracebacks are for bugs only.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from vidtask import __version__
from vidtask.config import ConfigError, resolve_settings

EXIT_ERROR = 1
EXIT_USAGE = 2
ENV_USER = "VIDTASK_USER"

Handler = Callable[[argparse.Namespace], int]

#: Modules adding subcommands via `add_commands(add, commands, common, who)`.
FEATURE_COMMAND_MODULES = (
    "vidtask.cli_narrow",
    "vidtask.cli_packets",
    "vidtask.cli_security",
    "vidtask.cli_dashboard",
    "vidtask.cli_intake",
)


class CliError(Exception):
    """A user mistake the CLI reports in one line."""


# ---------------------------------------------------------------- shared plumbing

def _open_database(args: argparse.Namespace) -> Any:
    from vidtask.db.engine import Database
    from vidtask.db.migrate import upgrade

    settings = resolve_settings(args.database)
    db = Database(settings.database_url)
    upgrade(db)
    return db


def _actor(args: argparse.Namespace) -> str:
    login = getattr(args, "as_login", None) or os.environ.get(ENV_USER) \
        or resolve_settings(args.database).identity
    if not login:
        raise CliError("say who you are: --as LOGIN (or set VIDTASK_USER)")
    return str(login)


def _sprint_id(db: Any, args: argparse.Namespace) -> int:
    from vidtask.services.sprints import find_sprint

    return find_sprint(db, getattr(args, "sprint", None)).id


def _series_id(db: Any, args: argparse.Namespace, code: str) -> int:
    from vidtask.services.series import series_id_by_code

    return series_id_by_code(db, _sprint_id(db, args), code)


def _print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False, default=_json_default))


def _json_default(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, frozenset | set | tuple):
        return list(value)
    raise TypeError(type(value).__name__)


def _left(expires_at: datetime | None) -> str:
    if expires_at is None:
        return ""
    minutes = int((expires_at - datetime.now(UTC)).total_seconds() // 60)
    return "expired" if minutes < 0 else f"{minutes // 60}h{minutes % 60:02d}m left"


def _csv_codes(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


# ---------------------------------------------------------------- commands

def cmd_gui(args: argparse.Namespace) -> int:
    if args.gui is None:
        raise CliError("this entry point has no desktop window; run `vidtask` instead")
    try:
        return int(args.gui(args.database))
    except ImportError as exc:
        raise CliError(f"the desktop window needs PySide6 ({exc})") from exc


def cmd_demo(args: argparse.Namespace) -> int:
    from vidtask.services.demo import generate_demo

    db = _open_database(args)
    show = sys.stderr.isatty() and not args.quiet

    def progress(done: int, total: int) -> None:
        if show:
            width = 30
            filled = width * done // max(total, 1)
            print(f"\r  building series [{'#' * filled}{'.' * (width - filled)}] {done}/{total}",
                  end="", file=sys.stderr, flush=True)

    summary = generate_demo(db, series_count=args.series, seed=args.seed,
                            sprint_name=args.sprint_name, progress=progress)
    if show:
        print(file=sys.stderr)
    outcome = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in summary.by_outcome.items())
    print(f"Demo sprint {summary.sprint.name!r} ({summary.sprint.starts_on} – "
          f"{summary.sprint.ends_on}) in {db.describe()}")
    print(f"  {summary.participants} participants, {summary.series} series, "
          f"{summary.media} media records, {summary.clues} clues")
    print(f"  {outcome}")
    print("  sign in as 'admin' (admin) or any participant: `vidtask participant list`")
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from vidtask.db.migrate import current_revision

    db = _open_database(args)
    print(f"{db.describe()} is at schema revision {current_revision(db)} (newest).")
    return 0


def cmd_db_info(args: argparse.Namespace) -> int:
    from sqlalchemy import func, select

    from vidtask.db.engine import Database
    from vidtask.db.migrate import current_revision, head_revision
    from vidtask.db.models import Event, Participant, Series, Sprint

    settings = resolve_settings(args.database)
    db = Database(settings.database_url)
    current, head = current_revision(db), head_revision(db)
    info: dict[str, Any] = {"database": str(db.describe()), "url_from": settings.source,
                            "schema_revision": current, "newest_revision": head}
    if current is not None:
        with db.read() as session:
            for name, model in (("sprints", Sprint), ("participants", Participant),
                                ("series", Series), ("events", Event)):
                info[name] = session.scalar(select(func.count()).select_from(model))
    if args.json:
        _print_json(info)
    else:
        width = max(len(k) for k in info)
        for key, value in info.items():
            print(f"{key.replace('_', ' '):<{width}}  {value if value is not None else '(none)'}")
        if current != head:
            print("run `vidtask db upgrade` (the app also upgrades at start).")
    return 0


def cmd_series_list(args: argparse.Namespace) -> int:
    from vidtask.services.series import SeriesFilter, list_series

    db = _open_database(args)
    mine = _actor(args) if args.mine else None
    filters = SeriesFilter(statuses=frozenset(args.status or ()), claimed_by=mine,
                           unclaimed_only=args.unclaimed, country=args.country,
                           text=args.text or "", limit=args.limit)
    rows = list_series(db, _sprint_id(db, args), filters)
    if args.json:
        _print_json([row._asdict() for row in rows])
        return 0
    print(f"{'code':<14} {'status':<13} {'pri':<6} {'holder':<18} {'top':<4} {'clues':>5} alias")
    from vidtask.domain.enums import Priority

    for row in rows:
        holder = f"{row.claimed_by} ({_left(row.claim_expires_at)})" if row.claimed_by else ""
        print(f"{row.code:<14} {row.status:<13} {Priority(row.priority).label:<6} {holder:<18} "
              f"{row.top_country or '':<4} {row.clue_count:>5} {row.alias}")
    print(f"{len(rows)} series")
    return 0


def cmd_series_show(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from vidtask.services.series_detail import get_series_detail, series_timeline

    db = _open_database(args)
    series_id = _series_id(db, args, args.series)
    detail = get_series_detail(db, series_id)
    if args.json:
        data = asdict(detail)
        data["timeline"] = [asdict(e) for e in series_timeline(db, series_id)]
        _print_json(data)
        return 0
    print(f"{detail.code}  “{detail.alias}”  [{detail.status.replace('_', ' ')}]  "
          f"handling {detail.handling}")
    if detail.claimed_by:
        print(f"claimed by {detail.claimed_by} ({_left(detail.claim_expires_at)})")
    if detail.identified_elsewhere:
        print(f"WARNING: {detail.identified_elsewhere} media already marked victim-identified "
              "elsewhere: this series may be solved.")
    print(f"{len(detail.media)} media, {len(detail.clues)} clues, {len(detail.comments)} comments")
    for clue in detail.clues:
        stance = " ".join([*(f"+{c}" for c in clue.supports), *(f"-{c}" for c in clue.excludes)])
        value = f" [{clue.kind}={clue.value}]" if clue.value else ""
        print(f"  clue {clue.id} v{clue.version} {clue.category}{value} ({clue.confidence}) "
              f"{stance}: {clue.description}")
    for cand in detail.candidates:
        mark = " CONFIRMED" if cand.confirmed else ""
        print(f"  #{cand.rank} {cand.country} {cand.confidence}%{mark}: {cand.rationale}")
    return 0


def cmd_claim(args: argparse.Namespace) -> int:
    from vidtask.services.claims import claim_series

    db = _open_database(args)
    result = claim_series(db, _actor(args), _series_id(db, args, args.series))
    print(f"Claimed {result.code} until {result.expires_at:%Y-%m-%d %H:%M} UTC.")
    return 0


def cmd_claim_next(args: argparse.Namespace) -> int:
    from vidtask.services.claims import claim_next

    db = _open_database(args)
    result = claim_next(db, _actor(args), _sprint_id(db, args))
    if result is None:
        print("No unclaimed series left.")
        return 0
    print(f"Claimed {result.code} until {result.expires_at:%Y-%m-%d %H:%M} UTC.")
    return 0


def cmd_renew(args: argparse.Namespace) -> int:
    from vidtask.services.claims import renew_claim

    db = _open_database(args)
    result = renew_claim(db, _actor(args), _series_id(db, args, args.series))
    print(f"Renewed {result.code} until {result.expires_at:%Y-%m-%d %H:%M} UTC.")
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    from vidtask.services.claims import force_release, release_claim

    db = _open_database(args)
    series_id = _series_id(db, args, args.series)
    if args.force:
        force_release(db, _actor(args), series_id, args.reason or "")
        print(f"Force-released {args.series}.")
    else:
        release_claim(db, _actor(args), series_id)
        print(f"Released {args.series}.")
    return 0


def _clue_input(args: argparse.Namespace) -> Any:
    from vidtask.services.clues import ClueInput

    return ClueInput(category=args.category, description=args.description, kind=args.kind,
                     value=args.value, evidence_md5=args.evidence_md5,
                     evidence_time=args.evidence_time or "",
                     evidence_region=args.evidence_region or "", confidence=args.confidence,
                     supports=_csv_codes(args.supports), excludes=_csv_codes(args.excludes),
                     handling=args.handling)


def cmd_clue_add(args: argparse.Namespace) -> int:
    from vidtask.services.clues import add_clue

    db = _open_database(args)
    clue_id, _ = add_clue(db, _actor(args), _series_id(db, args, args.series), _clue_input(args))
    print(f"Added clue {clue_id} to {args.series}.")
    return 0


def cmd_clue_edit(args: argparse.Namespace) -> int:
    from vidtask.services.clues import edit_clue

    db = _open_database(args)
    version, _ = edit_clue(db, _actor(args), args.clue_id, args.version, _clue_input(args))
    print(f"Saved clue {args.clue_id} (now version {version}).")
    return 0


def cmd_clue_delete(args: argparse.Namespace) -> int:
    from vidtask.services.clues import delete_clue

    db = _open_database(args)
    delete_clue(db, _actor(args), args.clue_id, args.version)
    print(f"Deleted clue {args.clue_id}.")
    return 0


def cmd_assess(args: argparse.Namespace) -> int:
    from vidtask.services.assessments import CandidateInput, set_candidates

    candidates = []
    for text in args.candidate:
        country, _, rest = text.partition(":")
        confidence, _, rationale = rest.partition(":")
        try:
            candidates.append(CandidateInput(country, int(confidence or "50"), rationale))
        except ValueError:
            raise CliError(f"--candidate {text!r}: write COUNTRY:CONFIDENCE[:REASON], "
                           "e.g. DE:70:language and plugs") from None
    db = _open_database(args)
    set_candidates(db, _actor(args), _series_id(db, args, args.series), candidates)
    print(f"Ranked {len(candidates)} candidate countries for {args.series}.")
    return 0


def cmd_propose(args: argparse.Namespace) -> int:
    from vidtask.services.assessments import propose

    db = _open_database(args)
    propose(db, _actor(args), _series_id(db, args, args.series), args.note or "")
    print(f"Proposed {args.series} for confirmation.")
    return 0


def cmd_confirm(args: argparse.Namespace) -> int:
    from vidtask.services.review import confirm_countries

    db = _open_database(args)
    confirm_countries(db, _actor(args), _series_id(db, args, args.series), args.country)
    print(f"Confirmed {', '.join(c.upper() for c in args.country)} for {args.series}.")
    return 0


def cmd_send_back(args: argparse.Namespace) -> int:
    from vidtask.services.review import send_back

    db = _open_database(args)
    send_back(db, _actor(args), _series_id(db, args, args.series), args.comment)
    print(f"Sent {args.series} back for more work.")
    return 0


def cmd_eliminate(args: argparse.Namespace) -> int:
    from vidtask.services.review import eliminate

    db = _open_database(args)
    eliminate(db, _actor(args), _series_id(db, args, args.series), args.reason)
    print(f"Eliminated {args.series}.")
    return 0


def cmd_comment(args: argparse.Namespace) -> int:
    from vidtask.services.comments import add_comment

    db = _open_database(args)
    add_comment(db, _actor(args), _series_id(db, args, args.series), args.text)
    print(f"Commented on {args.series}.")
    return 0


def cmd_timeline(args: argparse.Namespace) -> int:
    from vidtask.services.series_detail import series_timeline

    db = _open_database(args)
    for entry in series_timeline(db, _series_id(db, args, args.series)):
        print(f"{entry.occurred_at:%Y-%m-%d %H:%M:%S}  v{entry.version:<6} {entry.actor:<20} "
              f"{entry.action}")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from vidtask.domain.countries_basic import country_label
    from vidtask.services.stats import sprint_stats

    db = _open_database(args)
    stats = sprint_stats(db, _sprint_id(db, args))
    if args.json:
        _print_json(stats.as_json())
        return 0
    print(f"Sprint {stats.sprint}")
    print(f"  series total          {stats.series_total}")
    print(f"  claimed now           {stats.claimed}")
    print(f"  assessed              {stats.assessed}")
    print(f"  with likely country   {stats.with_likely_country}")
    print(f"  confirmed             {stats.confirmed}")
    print(f"  notified              {stats.notified}")
    print(f"  eliminated            {stats.eliminated}")
    print(f"  media records         {stats.media_total}")
    print(f"  clues                 {stats.clues_total}")
    print(f"  victims safeguarded   {stats.victims_safeguarded}")
    print(f"  offenders identified  {stats.offenders_identified}")
    print("  by status             " + ", ".join(
        f"{k.replace('_', ' ')} {v}" for k, v in stats.by_status.items()))
    print(f"  confirmed per country ({stats.countries_with_confirmed} countries):")
    for code, count in stats.confirmed_per_country.items():
        print(f"    {code}  {country_label(code):<28} {count}")
    return 0


def cmd_participant_add(args: argparse.Namespace) -> int:
    from vidtask.services.participants import add_participant

    db = _open_database(args)
    languages = tuple(_csv_codes(args.languages))
    info, _ = add_participant(db, _actor(args) if args.as_login or os.environ.get(ENV_USER)
                              else None, args.login, args.name, role=args.role,
                              agency=args.agency or "", country=args.country,
                              languages=languages)
    print(f"Added {info.login} ({info.role.value}).")
    return 0


def cmd_participant_list(args: argparse.Namespace) -> int:
    from vidtask.services.participants import list_participants

    db = _open_database(args)
    people = list_participants(db)
    if args.json:
        from dataclasses import asdict

        _print_json([asdict(p) for p in people])
        return 0
    for person in people:
        print(f"{person.login:<24} {person.role.value:<12} {person.country or '--':<3} "
              f"{person.display_name} — {person.agency}")
    return 0


def cmd_sprint_create(args: argparse.Namespace) -> int:
    from vidtask.services.sprints import create_sprint

    db = _open_database(args)
    try:
        starts, ends = date.fromisoformat(args.start), date.fromisoformat(args.end)
    except ValueError:
        raise CliError("dates are YYYY-MM-DD") from None
    info, _ = create_sprint(db, _actor(args), args.name, starts, ends,
                            lease_minutes=args.lease_minutes, default_handling=args.handling)
    print(f"Created sprint {info.name!r} ({info.starts_on} – {info.ends_on}).")
    return 0


def cmd_sprint_list(args: argparse.Namespace) -> int:
    from vidtask.services.sprints import list_sprints

    db = _open_database(args)
    for sprint in list_sprints(db):
        print(f"{sprint.name:<30} {sprint.starts_on} – {sprint.ends_on}  "
              f"lease {sprint.lease_minutes} min")
    return 0


# ---------------------------------------------------------------- parser

def command_group(commands: Any, name: str, help_text: str) -> Any:
    """The sub-command group `name` (e.g. `export`), created once and shared by features."""
    groups: dict[str, Any] = commands.__dict__.setdefault("vidtask_groups", {})
    if name not in groups:
        parser = commands.add_parser(name, help=help_text, description=help_text)
        groups[name] = parser.add_subparsers(title=f"{name} commands", metavar="COMMAND",
                                             required=True)
    return groups[name]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vidtask", description="Victim-identification taskforce sprints: claim series, "
        "record location clues, assess countries. Run without a command to open the window.")
    parser.add_argument("--version", action="version", version=f"vidtask {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: a subcommand's missing --database must not clobber one given before it.
    common.add_argument("--database", metavar="URL", default=argparse.SUPPRESS,
                        help="database URL (sqlite:///PATH or "
                        "postgresql://USER@HOST/DB); default: $VIDTASK_DATABASE_URL, the config "
                        "file, or SQLite in the user data dir")
    common.add_argument("--sprint", metavar="NAME", default=argparse.SUPPRESS,
                        help="sprint (default: the most recent)")
    who = argparse.ArgumentParser(add_help=False)
    who.add_argument("--as", dest="as_login", metavar="LOGIN",
                     help="who is acting (default: $VIDTASK_USER or the config identity)")
    parser.add_argument("--database", metavar="URL", help="database URL (also after a command)")
    parser.set_defaults(handler=cmd_gui, sprint=None)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    def add(name: str, handler: Handler, help_text: str, *parents: argparse.ArgumentParser,
            into: Any = commands) -> argparse.ArgumentParser:
        sub = into.add_parser(name, help=help_text, description=help_text,
                              parents=[common, *parents])
        sub.set_defaults(handler=handler)
        return sub

    add("gui", cmd_gui, "open the desktop window")
    demo = add("demo", cmd_demo, "fill the database with a synthetic demo sprint")
    demo.add_argument("--series", type=int, default=320, help="number of series (default 320)")
    demo.add_argument("--seed", type=int, default=7, help="random seed (same seed, same sprint)")
    demo.add_argument("--sprint-name", default="VIDTF demo", help="name of the demo sprint")
    demo.add_argument("--quiet", action="store_true", help="no progress bar")

    db_cmd = commands.add_parser("db", help="database schema and location")
    db_sub = db_cmd.add_subparsers(title="db commands", metavar="COMMAND", required=True)
    add("upgrade", cmd_db_upgrade, "migrate the database to the newest schema", into=db_sub)
    info = add("info", cmd_db_info, "show which database is used and what it holds", into=db_sub)
    info.add_argument("--json", action="store_true")

    series = commands.add_parser("series", help="list and show series")
    series_sub = series.add_subparsers(title="series commands", metavar="COMMAND", required=True)
    listing = add("list", cmd_series_list, "list the sprint's series", who, into=series_sub)
    listing.add_argument("--json", action="store_true")
    listing.add_argument("--status", action="append", metavar="STATUS",
                         choices=["new", "claimed", "in_assessment", "proposed", "confirmed",
                                  "notified", "eliminated"], help="filter (repeatable)")
    listing.add_argument("--mine", action="store_true", help="only series I hold")
    listing.add_argument("--unclaimed", action="store_true")
    listing.add_argument("--country", metavar="ISO2", help="series with this candidate country")
    listing.add_argument("--text", help="search code, alias and external ids")
    listing.add_argument("--limit", type=int)
    show = add("show", cmd_series_show, "show one series", into=series_sub)
    show.add_argument("series", metavar="SERIES", help="series code")
    show.add_argument("--json", action="store_true")

    for name, handler, text in (("claim", cmd_claim, "claim a series to work on it"),
                                ("renew", cmd_renew, "extend your claim's lease")):
        sub = add(name, handler, text, who)
        sub.add_argument("series", metavar="SERIES", help="series code")
    add("claim-next", cmd_claim_next, "claim the most urgent unclaimed series", who)
    release = add("release", cmd_release, "release a claim", who)
    release.add_argument("series", metavar="SERIES")
    release.add_argument("--force", action="store_true",
                         help="coordinators: release somebody else's claim")
    release.add_argument("--reason", help="why (required with --force)")

    clue = commands.add_parser("clue", help="record location clues")
    clue_sub = clue.add_subparsers(title="clue commands", metavar="COMMAND", required=True)
    clue_fields = argparse.ArgumentParser(add_help=False)
    from vidtask.domain.enums import ClueCategory, ClueConfidence, StructuredKind

    clue_fields.add_argument("--category", required=True, choices=[c.value for c in ClueCategory])
    clue_fields.add_argument("--description", required=True)
    clue_fields.add_argument("--kind", default="none", choices=[k.value for k in StructuredKind],
                             help="structured kind for country narrowing")
    clue_fields.add_argument("--value", help="e.g. uk (language), Cyrl, UAH, G, left")
    clue_fields.add_argument("--evidence-md5", metavar="MD5")
    clue_fields.add_argument("--evidence-time", metavar="TIME", help="frame or time code")
    clue_fields.add_argument("--evidence-region", metavar="X,Y,W,H")
    clue_fields.add_argument("--confidence", default="medium",
                             choices=[c.value for c in ClueConfidence])
    clue_fields.add_argument("--supports", metavar="CC,CC", help="countries it supports")
    clue_fields.add_argument("--excludes", metavar="CC,CC", help="countries it excludes")
    clue_fields.add_argument("--handling", choices=["H0", "H1", "H2", "H3"])
    clue_add = add("add", cmd_clue_add, "add a clue to a series you hold", who, clue_fields,
                   into=clue_sub)
    clue_add.add_argument("series", metavar="SERIES")
    clue_edit = add("edit", cmd_clue_edit, "edit a clue (refused if someone changed it since)",
                    who, clue_fields, into=clue_sub)
    clue_edit.add_argument("clue_id", type=int, metavar="CLUE_ID")
    clue_edit.add_argument("--version", type=int, required=True,
                           help="the version you edited (from `series show`)")
    clue_delete = add("delete", cmd_clue_delete, "delete a clue", who, into=clue_sub)
    clue_delete.add_argument("clue_id", type=int, metavar="CLUE_ID")
    clue_delete.add_argument("--version", type=int, required=True)

    assess = add("assess", cmd_assess, "rank candidate countries for a series you hold", who)
    assess.add_argument("series", metavar="SERIES")
    assess.add_argument("--candidate", action="append", required=True,
                        metavar="CC:CONFIDENCE[:REASON]", help="repeat, most likely first")
    propose = add("propose", cmd_propose, "propose the assessment for confirmation", who)
    propose.add_argument("series", metavar="SERIES")
    propose.add_argument("--note")
    confirm = add("confirm", cmd_confirm, "coordinators: confirm proposed countries", who)
    confirm.add_argument("series", metavar="SERIES")
    confirm.add_argument("--country", action="append", required=True, metavar="ISO2")
    back = add("send-back", cmd_send_back, "coordinators: return a proposal for more work", who)
    back.add_argument("series", metavar="SERIES")
    back.add_argument("--comment", required=True)
    elim = add("eliminate", cmd_eliminate, "coordinators: close a series without a country", who)
    elim.add_argument("series", metavar="SERIES")
    elim.add_argument("--reason", required=True)
    comment = add("comment", cmd_comment, "comment on a series", who)
    comment.add_argument("series", metavar="SERIES")
    comment.add_argument("--text", required=True)
    timeline = add("timeline", cmd_timeline, "every event on a series", who)
    timeline.add_argument("series", metavar="SERIES")

    stats = add("stats", cmd_stats, "sprint statistics")
    stats.add_argument("--json", action="store_true")

    person = commands.add_parser("participant", help="people taking part")
    person_sub = person.add_subparsers(title="participant commands", metavar="COMMAND",
                                       required=True)
    padd = add("add", cmd_participant_add, "add a participant (admins)", who, into=person_sub)
    padd.add_argument("login")
    padd.add_argument("--name", required=True)
    padd.add_argument("--role", default="specialist",
                      choices=["specialist", "coordinator", "admin"])
    padd.add_argument("--agency")
    padd.add_argument("--country", metavar="ISO2")
    padd.add_argument("--languages", metavar="LL,LL")
    plist = add("list", cmd_participant_list, "list participants", into=person_sub)
    plist.add_argument("--json", action="store_true")

    sprint = commands.add_parser("sprint", help="sprints")
    sprint_sub = sprint.add_subparsers(title="sprint commands", metavar="COMMAND", required=True)
    screate = add("create", cmd_sprint_create, "create a sprint (admins)", who,
                  into=sprint_sub)
    screate.add_argument("name")
    screate.add_argument("--start", required=True, metavar="YYYY-MM-DD")
    screate.add_argument("--end", required=True, metavar="YYYY-MM-DD")
    screate.add_argument("--lease-minutes", type=int, default=120)
    screate.add_argument("--handling", default="H0", choices=["H0", "H1", "H2", "H3"])
    add("list", cmd_sprint_list, "list sprints", into=sprint_sub)

    # feature commands: each feature module registers its own subcommands.
    import importlib

    for name in FEATURE_COMMAND_MODULES:
        importlib.import_module(name).add_commands(add, commands, common, who)
    return parser


def main(argv: Sequence[str] | None = None,
         gui: Callable[[str | None], int] | None = None) -> int:
    """Run one command. `gui` starts the window (given by vidtask.launcher, above the UI)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    args.gui = gui
    from sqlalchemy.exc import OperationalError, SQLAlchemyError

    from vidtask.db.engine import DatabaseUrlError
    from vidtask.domain.errors import VidtaskError

    try:
        return int(args.handler(args))
    except (CliError, VidtaskError, DatabaseUrlError, ConfigError) as exc:
        print(f"vidtask: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except ValueError as exc:  # enum conversions of user input
        print(f"vidtask: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        print(f"vidtask: cannot use the database: {reason}", file=sys.stderr)
        return EXIT_ERROR
    except SQLAlchemyError as exc:
        print(f"vidtask: database error: {str(exc).splitlines()[0]}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:  # `vidtask stats | head`: the reader left; not an error
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("vidtask: interrupted; nothing half-done was kept.", file=sys.stderr)
        return 130
