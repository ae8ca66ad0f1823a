"""Dissemination: `vidtask export packets`, `verify-packet`, `feedback import`.

No Qt here: these run on a server or a locked-down workstation.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from vidtask.cli.context import (
    EXPORT_GROUP_HELP,
    CliError,
    CommonOptions,
    Subparsers,
    actor,
    open_database,
    sprint_id,
)

#: The top-level command words `register` adds (main.py builds only those a command needs).
COMMANDS = ("export", "verify-packet", "feedback")


def _progress_bar(enabled: bool) -> Callable[[int, int, str], None]:
    def show(done: int, total: int, country: str) -> None:
        if not enabled:
            return
        width = 30
        filled = width * done // max(total, 1)
        label = f" {country}" if country else "   "
        print(f"\r  packets [{'#' * filled}{'.' * (width - filled)}] {done}/{total}{label}",
              end="" if done < total else "\n", file=sys.stderr, flush=True)
    return show


def cmd_export_packets(args: argparse.Namespace) -> int:
    from vidtask.services.packets import export_country_packets

    if args.override_h2 and not args.reason:
        raise CliError("--override-h2 needs --reason R (it is logged)")
    db = open_database(args)
    results = export_country_packets(
        db, actor(args), sprint_id(db, args), Path(args.out), countries=args.country or None,
        handling=args.handling, include_notified=args.include_notified,
        progress=_progress_bar(sys.stderr.isatty() and not args.quiet),
        override_h2=args.override_h2, override_reason=args.reason or "",
        evaluation=args.evaluation)
    written = 0
    for r in results:
        if r.path is None:
            print(f"{r.country}  nothing new to send")
            continue
        written += 1
        print(f"{r.country}  v{r.packet_version} {r.outcome:<11} {len(r.series_codes):>3} series  "
              f"{r.path}")
        if r.changes and r.outcome == "new version":
            print(f"     changes: {r.changes}")
    print(f"{written} packet(s) in {Path(args.out).resolve()}")
    return 0


def cmd_verify_packet(args: argparse.Namespace) -> int:
    from vidtask.interchange import packet_signing
    from vidtask.interchange.packets import verify_packet

    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"{path} is not a file")
    trusted: bytes | None = None
    expected = ""
    try:
        if args.public_key:
            try:
                trusted = packet_signing.parse_public_key(Path(args.public_key).read_bytes())
            except OSError as exc:
                raise CliError(f"cannot read {args.public_key}: {exc.strerror}") from None
        if args.fingerprint:
            expected = packet_signing.normalise_fingerprint(args.fingerprint)
    except packet_signing.KeyFormatError as exc:
        raise CliError(str(exc)) from None
    result = verify_packet(path, trusted_key=trusted)
    if not result.ok:
        raise CliError(result.problem)
    if expected and result.fingerprint != expected:
        raise CliError(f"{path.name} is refused: it is signed with key {result.fingerprint}, "
                       f"not with the key whose fingerprint you gave ({expected})")
    print(f"{path.name}: OK, {result.checked} files match MANIFEST.sha256, whose signature "
          f"holds for key {result.fingerprint}.")
    if trusted is None and not expected:
        print("The key was not compared with one you trust: check that this fingerprint is the "
              "one the issuing unit gave you (or pass --fingerprint / --public-key).")
    else:
        print("That is the key you trust.")
    return 0


def cmd_feedback_import(args: argparse.Namespace) -> int:
    from vidtask.services.feedback import import_feedback

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror}") from None
    db = open_database(args)
    result = import_feedback(db, actor(args), data)
    print(f"Recorded feedback on {result.recorded} series from packet {result.packet_code}"
          f" ({result.skipped_empty} left blank).")
    return 0


def register(commands: Subparsers, common: CommonOptions) -> None:
    who = common.acting_as
    export_sub = common.group(commands, "export", EXPORT_GROUP_HELP)
    packets = common.add(export_sub, "packets", cmd_export_packets,
                         "coordinators: write one notification packet per country", who)
    packets.add_argument("--out", required=True, metavar="DIR", help="folder for the ZIPs")
    packets.add_argument("--country", action="append", metavar="ISO2",
                         help="only these countries (repeatable; default: all with confirmed "
                              "series)")
    packets.add_argument("--handling", choices=["H0", "H1", "H2", "H3"],
                         help="handling code (never below a series' own; default: the sprint's)")
    packets.add_argument("--include-notified", action="store_true",
                         help="repeat series already sent (unchanged content gives the "
                              "identical file)")
    packets.add_argument("--override-h2", action="store_true",
                         help="include H2 clues (logged; needs --reason)")
    packets.add_argument("--reason", help="why H2 clues may be disseminated")
    packets.add_argument("--evaluation", default="X3", metavar="XN",
                         help="source/information evaluation, e.g. B2 (default X3)")
    packets.add_argument("--quiet", action="store_true", help="no progress bar")
    verify = common.add(commands, "verify-packet", cmd_verify_packet,
                        "check a packet ZIP: its structure, signature and MANIFEST.sha256")
    verify.add_argument("file", metavar="FILE.zip")
    verify.add_argument("--fingerprint", metavar="SHA256:…",
                        help="the signing key's fingerprint, as the issuing unit gave it")
    verify.add_argument("--public-key", metavar="FILE.pem",
                        help="the sprint's public key (`vidtask sprint public-key --out`)")
    feedback_sub = common.group(commands, "feedback", "country feedback after dissemination",
                                describe=False)
    fimport = common.add(feedback_sub, "import", cmd_feedback_import,
                         "import a returned packet.json feedback block", who)
    fimport.add_argument("file", metavar="FILE.json")
