"""`vidtask tips …`: the public's tips about appeal objects.

import (a web form's CSV or JSON; one transaction, re-import adds nothing), record (one taken by
phone or mail), list, triage (new → relevant / not relevant / duplicate → developed →
disseminated), to-clue (a clue supporting the tip's country, citing the tip).
"""

from __future__ import annotations

import argparse

from vidtask.cli.context import (
    CliError,
    CommonOptions,
    Subparsers,
    actor,
    open_database,
    print_json,
    sprint_id,
)
from vidtask.domain.dates import format_datetime

#: The top-level command words `register` adds (main.py builds only those a command needs).
COMMANDS = ("tips",)
STATES = ("new", "relevant", "not_relevant", "duplicate", "developed", "disseminated")


def cmd_import(args: argparse.Namespace) -> int:
    import sys

    from vidtask.services.tips import import_tips

    report = import_tips(open_database(args), actor(args), args.file)
    print(f"{report.file}: {report.summary()}.")
    for public, count in report.per_object.items():
        print(f"  {public}: {count:,} new")
    for line in report.problems:
        print(f"  {line}", file=sys.stderr)
    return 0


def cmd_record(args: argparse.Namespace) -> int:
    from vidtask.domain import wording
    from vidtask.services.tips import record_tip

    written = record_tip(open_database(args), actor(args), args.object, args.text,
                         received_at=args.received_at, channel=args.channel,
                         suggested=args.suggested or "", contact=args.contact or "")
    print(f"Recorded {written.reference} about {args.object.upper()} "
          f"({wording.tip_status(written.status)}).")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from collections import Counter
    from dataclasses import asdict

    from vidtask.domain import wording
    from vidtask.domain.permissions import Action, may
    from vidtask.services.participants import get_participant
    from vidtask.services.tips import list_tips

    db = open_database(args)
    contacts = bool(args.contacts)
    if contacts and not may(get_participant(db, actor(args)).role, Action.SEE_TIP_CONTACTS):
        raise CliError("only coordinators see tipsters' contact details")
    rows = list_tips(db, sprint_id(db, args), appeal=args.object, status=args.state,
                     country=args.country, with_contacts=contacts, limit=args.limit)
    if args.json:
        print_json([{**asdict(r), "reference": r.reference}
                    | ({} if contacts else {"contact": None}) for r in rows])
        return 0
    for r in rows:
        same = f" ×{r.group_size}" if r.group_size > 1 else ""
        place = r.suggested_country or (f"“{r.suggested_place}”" if r.suggested_place else "—")
        text = r.text if len(r.text) <= 70 else r.text[:69] + "…"
        contact = f"  [{r.contact}]" if contacts and r.contact else ""
        print(f"{r.reference:<10} {r.public_id:<6} {format_datetime(r.received_at):<20} "
              f"{wording.tip_status(r.status):<13} {place:<6}{same:<5} {text}{contact}")
    per_object = Counter(r.public_id for r in rows)
    per_country = Counter(r.suggested_country or "?" for r in rows)
    print(f"{len(rows):,} tip{'' if len(rows) == 1 else 's'}; per object: "
          + (", ".join(f"{k} {v:,}" for k, v in per_object.most_common()) or "none")
          + "; per suggested country: "
          + (", ".join(f"{k} {v:,}" for k, v in per_country.most_common()) or "none"))
    return 0


def cmd_triage(args: argparse.Namespace) -> int:
    from vidtask.domain import wording
    from vidtask.services.tips import triage_tip

    written = triage_tip(open_database(args), actor(args), args.tip, args.state)
    print(f"{written.reference} is now {wording.tip_status(written.status)}.")
    return 0


def cmd_to_clue(args: argparse.Namespace) -> int:
    from vidtask.services.tips import tip_to_clue

    clue_id, _changes = tip_to_clue(open_database(args), actor(args), args.tip)
    tip = args.tip.strip().upper()
    reference = tip if tip.startswith("TIP-") else f"TIP-{tip}"
    print(f"Made clue CL-{clue_id} from {reference}, supporting the country it suggests; the "
          "tip is now developed.")
    return 0


def register(commands: Subparsers, common: CommonOptions) -> None:
    who = common.acting_as
    sub = common.group(commands, "tips", "Trace an Object: tips from the public")
    importing = common.add(sub, "import", cmd_import,
                           "coordinators: import a web form's CSV or JSON file of tips", who)
    importing.add_argument("file", metavar="FILE",
                           help="columns public_id, received_at (ISO 8601), text, "
                                "suggested_country (ISO code or place), contact (optional)")
    record = common.add(sub, "record", cmd_record, "record a tip taken by phone or mail", who)
    record.add_argument("object", metavar="OBJECT", help="public ID, e.g. G19")
    record.add_argument("--text", required=True)
    record.add_argument("--channel", default="phone",
                        choices=["phone", "mail", "e-mail", "in person", "web form"])
    record.add_argument("--received-at", metavar="WHEN", help="ISO 8601 (default: now)")
    record.add_argument("--suggested", metavar="PLACE", help="country or place the tip names")
    record.add_argument("--contact", help="kept apart; only coordinators see it")
    listing = common.add(sub, "list", cmd_list, "list tips with counts per object and country",
                         who)
    listing.add_argument("--json", action="store_true")
    listing.add_argument("--object", metavar="ID", help="only tips about this object")
    listing.add_argument("--state", choices=STATES)
    listing.add_argument("--country", metavar="ISO2", help="only tips suggesting this country")
    listing.add_argument("--contacts", action="store_true",
                         help="coordinators: show contact details")
    listing.add_argument("--limit", type=int)
    triage = common.add(sub, "triage", cmd_triage, "move a tip one triage step", who)
    triage.add_argument("tip", metavar="TIP", help="TIP-42 or 42")
    triage.add_argument("--state", required=True, choices=[*STATES, "not relevant"])
    to_clue = common.add(sub, "to-clue", cmd_to_clue,
                         "make a clue supporting the tip's country (needs the series' claim)",
                         who)
    to_clue.add_argument("tip", metavar="TIP")
