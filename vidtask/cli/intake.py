"""`vidtask import vics|icse|hashes FILE` and `vidtask export vics`: intake on the command line.

A progress bar (records/s, ETA) goes to stderr only when it is a terminal; the summary and the
skipped records go to stdout. No Qt here.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import Any

from vidtask.cli.context import (
    EXPORT_GROUP_HELP,
    CliError,
    CommonOptions,
    Subparsers,
    actor,
    open_database,
    series_id,
    sprint_id,
)

SHOWN_ISSUES = 10

#: The top-level command words `register` adds (main.py builds only those a command needs).
COMMANDS = ("import", "export")


def _bar(show: bool) -> tuple[Callable[[Any], None], Callable[[], None]]:
    last = [0.0]

    def progress(step: Any) -> None:
        now = time.monotonic()
        if not show or now - last[0] < 0.2:
            return
        last[0] = now
        fraction = step.fraction
        width = 30
        filled = int(width * (fraction or 0))
        eta = step.eta_seconds
        eta_text = f"ETA {int(eta) // 60}:{int(eta) % 60:02d}" if eta is not None else ""
        percent = f"{fraction * 100:5.1f}%" if fraction is not None else "     "
        print(f"\r  [{'#' * filled}{'.' * (width - filled)}] {percent} {step.records:>12,} "
              f"records {step.records_per_second:>9,.0f}/s {eta_text}   ",
              end="", file=sys.stderr, flush=True)

    def done() -> None:
        if show and last[0]:
            print(file=sys.stderr)

    return progress, done


def cmd_import(args: argparse.Namespace) -> int:
    from vidtask.services import intake

    db = open_database(args)
    acting = actor(args)
    sprint = sprint_id(db, args)
    if args.format == "hashes" and not args.series:
        raise CliError("a hash list goes into one series: give --series NAME")
    progress, done = _bar(sys.stderr.isatty())
    try:
        stream = open(args.file, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise CliError(f"cannot open {args.file}: {exc.strerror}") from None
    options: dict[str, Any] = {"dry_run": args.dry_run, "strict": args.strict,
                               "progress": progress}
    try:
        if args.format == "vics":
            report = intake.import_vics(db, acting, sprint, stream, series=args.series,
                                        **options)
        elif args.format == "icse":
            report = intake.import_icse(db, acting, sprint, stream, series=args.series,
                                        **options)
        else:
            report = intake.import_hashlist(db, acting, sprint, stream, args.series, **options)
    finally:
        done()
        stream.close()
    print(report.summary())
    for issue in report.issues[:SHOWN_ISSUES]:
        print(f"  {'warning' if issue.kept else 'skipped'}: {issue}")
    if report.issue_count > SHOWN_ISSUES:
        print(f"  … and {report.issue_count - SHOWN_ISSUES:,} more problems")
    for series in report.series:
        flags = []
        if series.victim_identified:
            flags.append(f"{series.victim_identified:,} already marked victim identified")
        if series.distributed:
            flags.append(f"{series.distributed:,} marked distributed")
        updated = f"{series.updated:,} updated, " if series.updated else ""
        print(f"  {series.code}{' (new series)' if series.created else ''}: {series.new:,} new, "
              f"{updated}{series.already:,} already there"
              f"{'; ' + ', '.join(flags) if flags else ''}")
    for a, b in report.links:
        print(f"  linked {a} and {b} (shared media)")
    if sys.stderr.isatty():
        print(f"  {report.seconds:.1f} s", file=sys.stderr)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from vidtask.interchange.vics_export import VicsWriteNotes
    from vidtask.services.media_export import export_vics
    from vidtask.services.series import list_series

    db = open_database(args)
    if args.series:
        ids = [series_id(db, args, code) for code in args.series]
    else:
        ids = [row.id for row in list_series(db, sprint_id(db, args))]
    if not ids:
        raise CliError("the sprint has no series to export")
    shape = "Cases" if args.shape == "cases" else "Media"
    region = args.region
    if args.iped:  # IPED's HashDBTool reads only …/2.0.xml/Default/$metadata#Media
        shape, region = "Media", "Default"
    notes = VicsWriteNotes()
    from pathlib import Path

    from vidtask.interchange.atomic_files import staged_file

    # staged: a refused or failed export leaves an existing --out file as it was
    with staged_file(Path(args.out).expanduser()) as staged:
        count = export_vics(db, ids, staged.stream, shape=shape, region=region,
                            upper=args.hash_case == "upper", notes=notes)
    print(f"Wrote {count:,} media records of {len(ids)} series to {args.out} (VICS 2.0 #{shape}).")
    if notes.untranslated:
        print(f"  {notes.untranslated:,} categories have no equivalent in this region and were "
              "left out (uncategorised)")
    if notes.bad_photodna:
        print(f"  {notes.bad_photodna:,} PhotoDNA values are not 144 bytes and were left out")
    return 0


def register(commands: Subparsers, common: CommonOptions) -> None:
    importing = commands.add_parser("import", help="load series from VICS, ICSE or hash lists")
    import_sub = importing.add_subparsers(title="formats", metavar="FORMAT", required=True)
    for name, text in (("vics", "import a VICS JSON file (#Media or #Cases, v1.x or 2.0)"),
                       ("icse", "import an INTERPOL ICSE ';'-separated CSV"),
                       ("hashes", "import a plain hash list into --series")):
        sub = common.add(import_sub, name, cmd_import, text, common.acting_as)
        sub.set_defaults(format=name)
        sub.add_argument("file", metavar="FILE")
        sub.add_argument("--series", metavar="NAME",
                         help="series for records that name none (required for hash lists)")
        sub.add_argument("--dry-run", action="store_true", help="check and count; save nothing")
        sub.add_argument("--strict", action="store_true",
                         help="refuse the whole file on any problem")
    export_sub = common.group(commands, "export", EXPORT_GROUP_HELP)
    vics = common.add(export_sub, "vics", cmd_export, "write VICS 2.0 JSON")
    vics.add_argument("--out", required=True, metavar="FILE")
    vics.add_argument("--series", nargs="*", metavar="CODE", help="default: every series")
    vics.add_argument("--shape", choices=["media", "cases"], default="media")
    vics.add_argument("--region", choices=["Default", "US", "UK", "CUSTOM"],
                      help="category region of the file (categories are translated into it; "
                           "default: the one the stored categories use)")
    vics.add_argument("--iped", action="store_true",
                      help="the header IPED reads: #Media, region Default")
    vics.add_argument("--hash-case", choices=["lower", "upper"], default="lower",
                      help="case of every hash in the file, nested ones too")
