"""`vidtask sprint create|edit|list|public-key`: sprints, their issuer settings, signing key."""

from __future__ import annotations

import argparse
import base64
from datetime import date
from pathlib import Path

from vidtask.cli.context import (
    CliError,
    CommonOptions,
    Subparsers,
    actor,
    open_database,
    print_json,
    sprint_id,
)

#: (option, SprintInfo field, help) for the issuer settings every packet prints.
ISSUER_OPTIONS = (
    ("--organiser", "organiser", "whose taskforce this is, named in every packet "
                                 "(e.g. the organising agency)"),
    ("--issuing-unit", "issuing_unit", "the unit that issues the packets"),
    ("--contact-name", "contact_name", "contact person or desk for recipients"),
    ("--contact-email", "contact_email", "contact e-mail for recipients"),
    ("--contact-phone", "contact_phone", "contact telephone for recipients"),
)

#: The top-level command words `register` adds (main.py builds only those a command needs).
COMMANDS = ("sprint",)


def _issuer_arguments(args: argparse.Namespace) -> dict[str, str]:
    return {field: getattr(args, field) for _, field, _ in ISSUER_OPTIONS
            if getattr(args, field) is not None}


def cmd_sprint_create(args: argparse.Namespace) -> int:
    from vidtask.services.sprints import create_sprint, issuer_problem, issuer_values

    db = open_database(args)
    try:
        starts, ends = date.fromisoformat(args.start), date.fromisoformat(args.end)
    except ValueError:
        raise CliError("dates are YYYY-MM-DD") from None
    info, _ = create_sprint(db, actor(args), args.name, starts, ends,
                            lease_minutes=args.lease_minutes, default_handling=args.handling,
                            **_issuer_arguments(args))
    print(f"Created sprint {info.name!r} ({info.starts_on} – {info.ends_on}).")
    print(f"Packet-signing key fingerprint: {info.signing_fingerprint}")
    if problem := issuer_problem(info.name, issuer_values(info)):
        print(f"Note: {problem}")
    return 0


def cmd_sprint_edit(args: argparse.Namespace) -> int:
    from vidtask.services.sprints import edit_sprint, issuer_problem, issuer_values

    changes = _issuer_arguments(args)
    if not changes and not args.new_signing_key:
        raise CliError("say what to change: " + ", ".join(o for o, _, _ in ISSUER_OPTIONS)
                       + " or --new-signing-key")
    db = open_database(args)
    info, _ = edit_sprint(db, actor(args), sprint_id(db, args),
                          new_signing_key=args.new_signing_key, **changes)
    print(f"Sprint {info.name!r}: " + "; ".join(
        f"{option.removeprefix('--').replace('-', ' ')} {getattr(info, field)!r}"
        for option, field, _ in ISSUER_OPTIONS if field in changes) + (
        "." if changes else "new signing key."))
    if args.new_signing_key:
        print(f"New packet-signing key fingerprint: {info.signing_fingerprint} (give it to "
              "recipients; packets signed before verify only against the old key)")
    if problem := issuer_problem(info.name, issuer_values(info)):
        print(f"Note: {problem}")
    return 0


def cmd_sprint_list(args: argparse.Namespace) -> int:
    from vidtask.services.sprints import list_sprints

    db = open_database(args)
    for sprint in list_sprints(db):
        print(f"{sprint.name:<30} {sprint.starts_on} – {sprint.ends_on}  "
              f"lease {sprint.lease_minutes} min")
    return 0


def cmd_sprint_public_key(args: argparse.Namespace) -> int:
    from vidtask.interchange.packet_signing import public_pem
    from vidtask.interchange.packets import PUBLIC_KEY
    from vidtask.services.sprints import sprint_info

    db = open_database(args)
    info = sprint_info(db, sprint_id(db, args))
    if not info.signing_public_key:
        raise CliError(f"sprint {info.name!r} has no signing key yet (an administrator runs "
                       "`vidtask sprint edit --new-signing-key`)")
    pem = public_pem(base64.b64decode(info.signing_public_key))
    if args.json:
        print_json({"sprint": info.name, "algorithm": "Ed25519",
                    "public_key": info.signing_public_key,
                    "fingerprint": info.signing_fingerprint, "pem": pem.decode("ascii")})
        return 0
    if args.out:
        from vidtask.interchange.atomic_files import write_file

        out = Path(args.out).expanduser()
        write_file(out, pem)
        print(f"Wrote the public key of sprint {info.name!r} to {out} (the {PUBLIC_KEY} "
              "every packet carries).")
    else:
        print(pem.decode("ascii"), end="")
    print(f"Fingerprint: {info.signing_fingerprint}")
    print("Give this fingerprint to recipients by a channel other than the packets; "
          "`vidtask verify-packet FILE.zip --fingerprint \"…\"` checks a packet against it.")
    return 0


def register(commands: Subparsers, common: CommonOptions) -> None:
    sprint_sub = common.group(commands, "sprint", "sprints", describe=False)
    screate = common.add(sprint_sub, "create", cmd_sprint_create, "create a sprint (admins)",
                         common.acting_as)
    screate.add_argument("name")
    screate.add_argument("--start", required=True, metavar="YYYY-MM-DD")
    screate.add_argument("--end", required=True, metavar="YYYY-MM-DD")
    screate.add_argument("--lease-minutes", type=int, default=120)
    screate.add_argument("--handling", default="H0", choices=["H0", "H1", "H2", "H3"])
    sedit = common.add(sprint_sub, "edit", cmd_sprint_edit,
                       "change a sprint's issuer settings or signing key (admins)",
                       common.acting_as)
    for parser in (screate, sedit):
        for option, field, text in ISSUER_OPTIONS:
            parser.add_argument(option, dest=field, metavar="TEXT", help=text)
    sedit.add_argument("--new-signing-key", action="store_true",
                       help="replace the packet-signing key (when the old one may have leaked)")
    common.add(sprint_sub, "list", cmd_sprint_list, "list sprints")
    skey = common.add(sprint_sub, "public-key", cmd_sprint_public_key,
                      "print (or --out FILE) the public key that signs the sprint's packets")
    skey.add_argument("--out", metavar="FILE.pem", help="write the PEM key to this file")
    skey.add_argument("--json", action="store_true")
