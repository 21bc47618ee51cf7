"""``symgroup study run``, ``table`` and ``report``: many runs from one study file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from symgroup.cli.arguments import at_least


def run(args: argparse.Namespace) -> int:
    from symgroup.study import Study, run_study

    study = Study.from_file(args.spec)
    out = args.out or Path("runs") / Path(args.spec).stem
    try:
        rows = run_study(study, out, args.executor, args.workers, args.address)
    except KeyboardInterrupt:
        print(f"interrupted: finished runs are in {out}/results.csv; run the study again to continue", file=sys.stderr)
        return 130
    sbd, lsbd = sum(r["sbd"] for r in rows), sum(r["lsbd"] for r in rows)
    print(
        f"{len(rows)} runs in {out}: SBD {sbd}/{len(rows)}, LSBD {lsbd}/{len(rows)}; the table: {out}/results.csv "
        f"or symgroup study table {out}; the page: symgroup study report {out}"
    )
    return 0


def table(args: argparse.Namespace) -> int:
    from symgroup.study.results import finished_rows, markdown

    print(markdown(finished_rows(args.folder)))
    return 0


def report(args: argparse.Namespace) -> int:
    from symgroup.present.study_page import write_study_report

    print(f"wrote {write_study_report(args.folder, args.out)}")
    return 0


def add(commands: argparse._SubParsersAction) -> None:
    study = commands.add_parser("study", help="run a study of many runs; report on it").add_subparsers(
        dest="study_command", metavar="STUDY_COMMAND", required=True
    )
    runs = study.add_parser("run", help="train and check every run of a study file (.toml or .json), resumably")
    runs.add_argument("spec", help="the study file (see symgroup.study.spec)")
    runs.add_argument("--out", help="the study folder (default runs/<the file's name>)")
    runs.add_argument(
        "--executor",
        default="process",
        choices=["serial", "process", "ray"],
        help="where runs execute (default process: a local process per run)",
    )
    runs.add_argument("--workers", type=at_least(1), help="runs at a time (default: one per core)")
    runs.add_argument("--address", help="a Ray cluster's address (--executor ray; default: start a local one)")
    runs.set_defaults(run=run)
    tables = study.add_parser("table", help="print a study's tables in Markdown: pass rates, metrics, claims")
    tables.add_argument("folder", help="the study folder")
    tables.set_defaults(run=table)
    page = study.add_parser("report", help="write one self-contained HTML page about a study's runs")
    page.add_argument("folder", help="the study folder")
    page.add_argument("--out", help="the HTML file to write (default FOLDER/report.html)")
    page.set_defaults(run=report)
