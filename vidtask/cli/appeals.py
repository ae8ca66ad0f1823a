"""`vidtask appeal …`: Trace an Object's public appeal objects, from a crop file to public pages.

create (a draft from a PNG/JPEG crop, metadata stripped), list, approve (four-eyes), publish
(every approved object, and the static pages of all published ones, into --out), withdraw,
outcome (identified with a country, too widespread, no result).
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
    series_id,
    sprint_id,
)

#: The top-level command words `register` adds (main.py builds only those a command needs).
COMMANDS = ("appeal",)
STATUSES = ("draft", "approved", "published", "withdrawn")


def cmd_create(args: argparse.Namespace) -> int:
    from pathlib import Path

    from vidtask.services.appeals import create_appeal

    path = Path(args.crop)
    try:
        crop = path.read_bytes()  # held in memory only: the original file is never stored
    except OSError as exc:
        raise CliError(f"cannot read the crop {path}: {exc.strerror or exc}") from None
    db = open_database(args)
    clue = int(str(args.clue).upper().removeprefix("CL-")) if args.clue else None
    written = create_appeal(db, actor(args), series_id(db, args, args.series), crop,
                            object_type=args.object_type, question=args.question,
                            public=args.public_id, region_hint=args.region_hint or "",
                            clue_id=clue)
    print(f"Drafted appeal object {written.public_id} on {args.series} (crop re-encoded, "
          "metadata stripped). Another coordinator approves it with "
          f"`vidtask appeal approve {written.public_id}`.")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from vidtask.domain import wording
    from vidtask.services.appeals import list_appeals

    db = open_database(args)
    rows = list_appeals(db, sprint_id(db, args), statuses=args.status or ())
    if args.json:
        print_json([asdict(r) for r in rows])
        return 0
    print(f"{'id':<8} {'series':<12} {'status':<25} {'tips':>5} {'new':>4} {'useful':>6}  "
          "object — question")
    for r in rows:
        outcome = wording.appeal_outcome(r.outcome, r.outcome_country)
        status = wording.appeal_status(r.status) + (f"; {outcome}" if outcome else "")
        print(f"{r.public_id:<8} {r.series_code:<12} {status:<25} {r.tips_total:>5} "
              f"{r.tips_new:>4} {r.tips_useful:>6}  {r.object_type} — {r.question}")
    print(f"{len(rows)} appeal object{'' if len(rows) == 1 else 's'}")
    return 0


def cmd_approve(args: argparse.Namespace) -> int:
    from vidtask.services.appeals import approve_appeal

    written = approve_appeal(open_database(args), actor(args), args.id)
    print(f"Approved {written.public_id}. `vidtask appeal publish --out DIR` makes it public.")
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    from vidtask.services.appeals import publish_appeals

    result = publish_appeals(open_database(args), actor(args), args.out, tip_url=args.tip_url)
    now = ", ".join(result.published_now) or "none"
    print(f"Published now: {now}. The pages in {result.folder} show "
          f"{len(result.on_site)} object{'' if len(result.on_site) == 1 else 's'}"
          f" ({len(result.files)} files written"
          + (f", {len(result.removed)} of withdrawn objects removed" if result.removed else "")
          + ").")
    return 0


def cmd_withdraw(args: argparse.Namespace) -> int:
    from vidtask.services.appeals import withdraw_appeal

    written = withdraw_appeal(open_database(args), actor(args), args.id, args.reason)
    print(f"Withdrew {written.public_id}. Publish again (`vidtask appeal publish --out DIR`) "
          "to take its page down.")
    return 0


def cmd_outcome(args: argparse.Namespace) -> int:
    from vidtask.domain import wording
    from vidtask.services.appeals import get_appeal, record_outcome

    outcome = ("identified" if args.identified else "too_widespread" if args.too_widespread
               else "no_result")
    db = open_database(args)
    written = record_outcome(db, actor(args), args.id, outcome, country=args.identified,
                             note=args.note or "")
    info = get_appeal(db, written.appeal_id)
    print(f"{written.public_id}: {wording.appeal_outcome(info.outcome, info.outcome_country)}.")
    return 0


def register(commands: Subparsers, common: CommonOptions) -> None:
    who = common.acting_as
    sub = common.group(commands, "appeal", "Trace an Object: public appeal objects")
    create = common.add(sub, "create", cmd_create,
                        "draft an appeal object on a series from a PNG/JPEG crop", who)
    create.add_argument("series", metavar="SERIES", help="series code")
    create.add_argument("--crop", required=True, metavar="FILE",
                        help="PNG or JPEG; re-encoded without any metadata, never kept as is")
    create.add_argument("--object-type", required=True, metavar="TYPE",
                        help='what it is, e.g. "shampoo bottle"')
    create.add_argument("--question", required=True, metavar="TEXT",
                        help='what the public is asked, e.g. "Where is this sold?"')
    create.add_argument("--public-id", metavar="ID", help="e.g. G19 (default: the next T<n>)")
    create.add_argument("--region-hint", metavar="TEXT",
                        help="what to look at in the crop (public)")
    create.add_argument("--clue", metavar="CL-ID", help="the clue the object comes from")
    listing = common.add(sub, "list", cmd_list, "list the sprint's appeal objects and tips",
                         who)
    listing.add_argument("--json", action="store_true")
    listing.add_argument("--status", action="append", choices=STATUSES, help="(repeatable)")
    approve = common.add(sub, "approve", cmd_approve,
                         "coordinators: approve a draft somebody else made (four-eyes)", who)
    approve.add_argument("id", metavar="ID", help="public ID, e.g. G19")
    publish = common.add(sub, "publish", cmd_publish,
                         "coordinators: publish approved objects and write the public pages",
                         who)
    publish.add_argument("--out", required=True, metavar="DIR",
                         help="folder of the static pages (index.html, objects/, images/, "
                              "objects.json)")
    publish.add_argument("--tip-url", metavar="URL",
                         help="address of the public tip form the pages link to")
    withdraw = common.add(sub, "withdraw", cmd_withdraw,
                          "coordinators: take an object off the appeal", who)
    withdraw.add_argument("id", metavar="ID")
    withdraw.add_argument("--reason", required=True)
    outcome = common.add(sub, "outcome", cmd_outcome,
                         "coordinators: record what an appeal came to", who)
    outcome.add_argument("id", metavar="ID")
    result = outcome.add_mutually_exclusive_group(required=True)
    result.add_argument("--identified", metavar="COUNTRY",
                        help="traced to this country (ISO code or name)")
    result.add_argument("--too-widespread", action="store_true",
                        help="sold too widely to narrow anything")
    result.add_argument("--no-result", action="store_true")
    outcome.add_argument("--note", help='e.g. "sold in 40 countries"')
