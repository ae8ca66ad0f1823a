"""Benchmark: VICS intake throughput and peak memory for a large synthetic file.

Prints records/s and peak RSS for ``read_vics`` beside a raw baseline (ijson building the same
records with no validation), each measured in a fresh process so peak RSS is its own.
Usage: python benchmarks/intake.py [--records 1000000] [--file PATH] [--messy] [--shape Cases]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _measure(path: str, mode: str) -> dict[str, float]:
    import ijson

    from vidtask.interchange.vics import read_vics

    start = time.perf_counter()
    with open(path, "rb") as stream:
        if mode == "read_vics":
            reader = read_vics(stream)
            count = sum(1 for _ in reader.records())
            issues = len(reader.issues)
        else:
            prefix = (
                "value.item"
                if "#Media" in stream.read(200).decode(errors="replace")
                else ("value.item.Media.item")
            )
            stream.seek(0)
            count = sum(1 for _ in ijson.items(stream, prefix, use_float=True))
            issues = 0
    seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {"records": count, "seconds": seconds, "peak_rss_mib": peak_kib / 1024, "issues": issues}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--file", help="reuse or create this file instead of a temporary one")
    parser.add_argument("--messy", action="store_true", help="sprinkle real-file traps")
    parser.add_argument("--shape", choices=["Media", "Cases"], default="Media")
    parser.add_argument("--measure", choices=["read_vics", "baseline"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(_measure(args.file, args.measure)))
        return

    from vidtask.interchange.vics_synth import write_synth_vics

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.file or Path(tmp) / "synthetic.json")
        if not path.exists():
            start = time.perf_counter()
            with open(path, "wb") as out:
                write_synth_vics(out, args.records, messy=args.messy, shape=args.shape)
            print(f"generated {args.records:,} records in {time.perf_counter() - start:.1f} s")
        print(f"file: {path.stat().st_size / 2**20:,.0f} MiB")
        for mode in ("read_vics", "baseline"):
            result = json.loads(
                subprocess.run(
                    [sys.executable, __file__, "--file", str(path), "--measure", mode],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
            )
            rate = result["records"] / result["seconds"]
            print(
                f"{mode:10} {result['records']:>10,} records  {result['seconds']:6.1f} s  "
                f"{rate:>9,.0f} records/s  peak RSS {result['peak_rss_mib']:6.0f} MiB  "
                f"issues {result['issues']}"
            )


if __name__ == "__main__":
    main()
