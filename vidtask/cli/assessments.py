"""`vidtask assess` and `vidtask propose`: a specialist ranks countries and hands them over."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from vidtask.cli.context import CliError, CommonOptions, Subparsers, actor, open_database, series_id

#: The top-level command words `register` adds (main.py builds only those a command needs).
COMMANDS = ("assess", "propose")


def cmd_assess(args: argparse.Namespace) -> int:
    from vidtask.domain.countries_basic import read_country
    from vidtask.services.assessments import CandidateInput, set_candidates
    from vidtask.services.narrowing import series_ranking

    candidates = []
    notes: list[str] = []
    for text in args.candidate:
        country, _, rest = text.partition(":")
        confidence, _, rationale = rest.partition(":")
        try:
            percent = int(confidence) if confidence.strip() else None
        except ValueError:
            raise CliError(f"--candidate {text!r}: write COUNTRY:CONFIDENCE[:REASON], "
                           "e.g. DE:70:language and plugs") from None
        code, note = read_country(country)
        if note:
            notes.append(note)
        if percent is None:
            percent = ASSUMED_CONFIDENCE
            notes.append(f"{code}: no confidence given, recorded {percent} % "
                         f"(write {code}:70 to set it)")
        candidates.append(CandidateInput(code, percent, rationale))
    db = open_database(args)
    the_series = series_id(db, args, args.series)
    found = series_ranking(db, the_series).contradictions(
        [(c.country, c.confidence) for c in candidates])
    excluded = [c for c in found if c.kind == "excluded"]
    if excluded and not args.yes and not _confirmed(excluded):
        raise CliError(f"{excluded[0].message} Nothing was saved; add --yes to rank it anyway.")
    set_candidates(db, actor(args), the_series, candidates)
    for note in notes:
        print(f"Note: {note}.")
    for contradiction in found:
        print(f"Warning: {contradiction.message}")
    print(f"Ranked {len(candidates)} candidate countries for {args.series}.")
    return 0


ASSUMED_CONFIDENCE = 50


def _confirmed(excluded: list[Any]) -> bool:
    """Ask on a terminal whether to rank countries the clues rule out; never when piped."""
    if not sys.stdin.isatty():
        return False
    for contradiction in excluded:
        print(f"Warning: {contradiction.message}")
    answer = input("Rank them anyway? [y/N] ").strip().lower()
    return answer in ("y", "yes")


def cmd_propose(args: argparse.Namespace) -> int:
    from vidtask.services.assessments import propose

    db = open_database(args)
    propose(db, actor(args), series_id(db, args, args.series), args.note or "")
    print(f"Proposed {args.series} for confirmation.")
    return 0


def register(commands: Subparsers, common: CommonOptions) -> None:
    assess = common.add(commands, "assess", cmd_assess,
                        "rank candidate countries for a series you hold", common.acting_as)
    assess.add_argument("series", metavar="SERIES")
    assess.add_argument("--candidate", action="append", required=True,
                        metavar="CC:CONFIDENCE[:REASON]", help="repeat, most likely first")
    assess.add_argument("--yes", action="store_true",
                        help="rank countries the clues rule out without asking")
    propose = common.add(commands, "propose", cmd_propose,
                         "propose the assessment for confirmation", common.acting_as)
    propose.add_argument("series", metavar="SERIES")
    propose.add_argument("--note")
