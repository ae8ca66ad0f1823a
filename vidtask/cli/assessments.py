"""`vidtask assess` and `vidtask propose`: a specialist ranks countries and hands them over."""

from __future__ import annotations

import argparse

from vidtask.cli.context import CliError, CommonOptions, Subparsers, actor, open_database, series_id

#: The top-level command words `register` adds (main.py builds only those a command needs).
COMMANDS = ("assess", "propose")


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
    db = open_database(args)
    set_candidates(db, actor(args), series_id(db, args, args.series), candidates)
    print(f"Ranked {len(candidates)} candidate countries for {args.series}.")
    return 0


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
    propose = common.add(commands, "propose", cmd_propose,
                         "propose the assessment for confirmation", common.acting_as)
    propose.add_argument("series", metavar="SERIES")
    propose.add_argument("--note")
