"""What `make run` shows a person: the start banner, errors, one line per delivered event.

Everything else (the functions' JSON logs, EMF metrics, request lines, warnings) goes to the run
log under .local/, where `tail -f` finds it. Call `route_output` before the app is imported:
Powertools' logger keeps the stream that is sys.stdout when it is made.
"""
from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TextIO

ANNOUNCE = "devstack.console"  # the logger whose INFO lines reach the console


def route_output(run_log: Path) -> TextIO:
    """Sends stdout, warnings and logging to `run_log`; returns the console for people."""
    run_log.parent.mkdir(parents=True, exist_ok=True)
    log_file = run_log.open("a", buffering=1, encoding="utf-8")
    console = sys.stdout
    sys.stdout = log_file  # EMF metrics and Powertools' JSON logs print to sys.stdout
    logging.captureWarnings(True)  # e.g. Powertools' "No application metrics to publish"
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    root.addHandler(_handler(log_file, logging.INFO, "%(asctime)s %(levelname)s %(name)s %(message)s"))
    people = logging.StreamHandler(console)
    people.setFormatter(_OneLine("%(asctime)s %(message)s", "%H:%M:%S"))
    people.addFilter(_is_for_people)
    root.addHandler(people)
    return console


def attach_errors_of(logger: logging.Logger, console: TextIO) -> None:
    """A logger that does not propagate (Powertools') still shows its errors on the console."""
    errors = logging.StreamHandler(console)
    errors.setLevel(logging.ERROR)
    errors.setFormatter(_OneLine("%(asctime)s ERROR %(name)s: %(message)s", "%H:%M:%S"))
    logger.addHandler(errors)


def announce(message: str, *args: object) -> None:
    """One console line, e.g. a delivered event."""
    logging.getLogger(ANNOUNCE).info(message, *args)


def _is_for_people(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.ERROR or record.name == ANNOUNCE


class _OneLine(logging.Formatter):
    """One line per record: a traceback stays in the run log."""

    def format(self, record: logging.LogRecord) -> str:
        saved = record.exc_info, record.exc_text, record.stack_info
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        try:
            line = super().format(record)
        finally:
            record.exc_info, record.exc_text, record.stack_info = saved
        return line + (" (traceback in the run log)" if saved[0] or saved[1] else "")


def _handler(stream: TextIO, level: int, fmt: str, datefmt: str | None = None) -> logging.Handler:
    handler = logging.StreamHandler(stream)
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter(fmt, datefmt))
    return handler
