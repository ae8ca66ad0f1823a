"""`vidtask clue add|edit|delete`: location clues on a series you hold."""

from __future__ import annotations

import argparse
from typing import Any

from vidtask.cli.context import (
    CliError,
    CommonOptions,
    Subparsers,
    actor,
    csv_codes,
    open_database,
    series_id,
)

#: The top-level command words `register` adds (main.py builds only those a command needs).
COMMANDS = ("clue",)


def _clue_input(args: argparse.Namespace) -> Any:
    """The clue as typed; refuses a value without a kind, naming the --kind it would need."""
    from vidtask.domain.vocabulary import other_kinds, value_words
    from vidtask.services.clues import ClueInput

    if args.value and args.kind == "none":
        found = other_kinds(args.value)
        hint = "; ".join(f"{args.value!r} is {kind.value.replace('_', ' ')} "
                         f"{value_words(kind, code)}: --kind {kind.value} --value {code}"
                         for kind, code in found[:3])
        raise CliError("--value needs --kind (language, script, currency, socket or "
                       f"driving_side){': ' + hint if hint else ''}.")
    return ClueInput(category=args.category, description=args.description, kind=args.kind,
                     value=args.value, evidence_md5=args.evidence_md5,
                     evidence_time=args.evidence_time or "",
                     evidence_region=args.evidence_region or "", confidence=args.confidence,
                     supports=csv_codes(args.supports), excludes=csv_codes(args.excludes),
                     handling=args.handling)


def _say_how_it_was_read(data: Any) -> None:
    from vidtask.services.clues import interpret_clue

    for note in interpret_clue(data)[1]:
        print(f"Note: {note}.")


def cmd_clue_add(args: argparse.Namespace) -> int:
    from vidtask.services.clues import add_clue

    db = open_database(args)
    data = _clue_input(args)
    clue_id, _ = add_clue(db, actor(args), series_id(db, args, args.series), data)
    _say_how_it_was_read(data)
    print(f"Added clue {clue_id} to {args.series}.")
    return 0


def cmd_clue_edit(args: argparse.Namespace) -> int:
    from vidtask.services.clues import edit_clue

    db = open_database(args)
    data = _clue_input(args)
    version, _ = edit_clue(db, actor(args), args.clue_id, args.version, data)
    _say_how_it_was_read(data)
    print(f"Saved clue {args.clue_id} (now version {version}).")
    return 0


def cmd_clue_delete(args: argparse.Namespace) -> int:
    from vidtask.services.clues import delete_clue

    db = open_database(args)
    delete_clue(db, actor(args), args.clue_id, args.version)
    print(f"Deleted clue {args.clue_id}.")
    return 0


def _clue_fields() -> argparse.ArgumentParser:
    from vidtask.domain.enums import ClueCategory, ClueConfidence, StructuredKind

    fields = argparse.ArgumentParser(add_help=False)
    fields.add_argument("--category", required=True, choices=[c.value for c in ClueCategory])
    fields.add_argument("--description", required=True)
    fields.add_argument("--kind", default="none", choices=[k.value for k in StructuredKind],
                        help="structured kind for country narrowing")
    fields.add_argument("--value", help="with --kind: a code or a name, e.g. uk / Ukrainian "
                        "(language), Cyrl / Cyrillic, UAH / hryvnia, F / schuko, left / LHT")
    fields.add_argument("--evidence-md5", metavar="MD5")
    fields.add_argument("--evidence-time", metavar="TIME", help="frame or time code")
    fields.add_argument("--evidence-region", metavar="X,Y,W,H")
    fields.add_argument("--confidence", default="medium",
                        choices=[c.value for c in ClueConfidence])
    fields.add_argument("--supports", metavar="CC,CC", help="countries it supports")
    fields.add_argument("--excludes", metavar="CC,CC", help="countries it excludes")
    fields.add_argument("--handling", choices=["H0", "H1", "H2", "H3"])
    return fields


def register(commands: Subparsers, common: CommonOptions) -> None:
    clue_sub = common.group(commands, "clue", "record location clues", describe=False)
    who, fields = common.acting_as, _clue_fields()
    clue_add = common.add(clue_sub, "add", cmd_clue_add, "add a clue to a series you hold", who,
                          fields)
    clue_add.add_argument("series", metavar="SERIES")
    clue_edit = common.add(clue_sub, "edit", cmd_clue_edit,
                           "edit a clue (refused if someone changed it since)", who, fields)
    clue_edit.add_argument("clue_id", type=int, metavar="CLUE_ID")
    clue_edit.add_argument("--version", type=int, required=True,
                           help="the version you edited (from `series show`)")
    clue_delete = common.add(clue_sub, "delete", cmd_clue_delete, "delete a clue", who)
    clue_delete.add_argument("clue_id", type=int, metavar="CLUE_ID")
    clue_delete.add_argument("--version", type=int, required=True)
