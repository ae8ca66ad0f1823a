"""`vidtask stats`: the sprint's totals and confirmed countries."""

from __future__ import annotations

import argparse

from vidtask.cli.context import CommonOptions, Subparsers, open_database, print_json, sprint_id

#: The top-level command words `register` adds (main.py builds only those a command needs).
COMMANDS = ("stats",)


def cmd_stats(args: argparse.Namespace) -> int:
    from vidtask.domain.countries_basic import country_label
    from vidtask.services.stats import sprint_stats

    db = open_database(args)
    stats = sprint_stats(db, sprint_id(db, args))
    if args.json:
        print_json(stats.as_json())
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


def register(commands: Subparsers, common: CommonOptions) -> None:
    stats = common.add(commands, "stats", cmd_stats, "sprint statistics")
    stats.add_argument("--json", action="store_true")
