"""The ``clv`` command line: thin Typer commands over the library, Rich output, ``--json``.

The commands live in modules by subject (``data``: check, summary; ``models``: fit, predict,
evaluate; ``decisions``: segments, cohorts, channels, timing, whatif, saas; ``analysis``:
analyze, report, score, history, serve, demo; ``calc``: the formulas), on the shared options
of ``options`` (whose valuation options wrap ``clv.valuation.Settings``). Each module imports
what its commands need when they run, so that ``clv --help`` and ``clv calc`` start at once.

User errors (bad files, columns, settings) exit with status 2 and one sentence naming the file,
row and column; they never print a traceback. Anything else is a bug: one line saying so, with
a reference and the file holding its traceback, and status 1.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any, NoReturn

import typer

from clv.cli import analysis, calc, data, decisions, models
from clv.cli.output import cli_words, say
from clv.errors import ClvError

__all__ = ["app", "main"]

# rich_markup_mode=None: help texts are plain text, so brackets ("[campaign]", "clv[excel]")
# are shown as written instead of being read as Rich markup.
app = typer.Typer(help="clv: measure, predict and explain customer lifetime value.",
                  no_args_is_help=True, add_completion=False, rich_markup_mode=None)
for module in (data, models, decisions, analysis):
    app.add_typer(module.commands)
app.add_typer(calc.commands, name="calc")

# Canonical field of a MappingError -> the option that names its column.
FIELD_OPTIONS = {"customer_id": "--customer", "timestamp": "--date", "amount": "--amount",
                 "quantity": "--quantity", "price": "--price", "order_id": "--order-id",
                 "product": "--product", "channel": "--channel"}


def _fail(message: str) -> NoReturn:
    """Print ``error: message`` on one line of stderr (the message as written: no Rich markup)
    and exit with status 2."""
    say("error", "red", " ".join(cli_words(str(message)).split()))
    raise SystemExit(2)


def _is_click_exception(exc: BaseException) -> bool:
    """A click-style exception, from click itself or from the copy Typer bundles
    (``typer._click``, Typer >= 0.24): recognised by its module and its attributes, as the
    classes differ from one Typer/click version to the next."""
    module = type(exc).__module__.partition(".")[0]
    return module in ("click", "typer") and isinstance(getattr(exc, "exit_code", None), int)


def _usage_error(exc: BaseException) -> NoReturn:
    """Show a click-style exception: the help when no arguments were given (status 0),
    else its message in one sentence with where to find help (status 2)."""
    ctx = getattr(exc, "ctx", None)
    if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
        sys.stdout.write(ctx.get_help() + "\n")
        raise SystemExit(0)
    format_message = getattr(exc, "format_message", None)
    message = format_message() if callable(format_message) else str(exc)
    message = " ".join(message.split()).rstrip(".") or "invalid usage"
    path = getattr(ctx, "command_path", None)
    _fail(f"{message} (see '{path} --help')." if path else f"{message}.")


def _mapping_hint(exc: ClvError) -> str:
    """The message of a user error; a column that could not be mapped gets the option that
    names it (the library's message says nothing of the command line)."""
    from clv.errors import MappingError

    message = str(exc)
    option = FIELD_OPTIONS.get(getattr(exc, "field", None) or "") \
        if isinstance(exc, MappingError) else None
    if option and option not in message:
        message = f"{message} (name it with {option} COLUMN)"
    return message


def _internal_error(exc: BaseException) -> NoReturn:
    """A bug (not the user's input): one line saying so, with a reference and the file that
    holds the traceback, and exit status 1. ``CLV_DEBUG=1`` shows the traceback instead."""
    import os
    import secrets
    import tempfile
    import traceback

    if os.environ.get("CLV_DEBUG"):
        raise exc
    ref = secrets.token_hex(4)
    text = "".join(traceback.format_exception(exc))
    where = Path(tempfile.gettempdir()) / f"clv-error-{ref}.txt"
    args = " ".join(re.sub(r"(://[^:/@\s]*:)[^@\s]*@", r"\1***@", a) for a in sys.argv[1:])
    try:  # readable by the user only: the traceback may show data or paths
        fd = os.open(where, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(f"clv {_version()} {args}\n\n{text}")
        told = f"; the details are in {where}"
    except OSError:
        told = ""
    say("error", "red", f"internal error ({type(exc).__name__}), a bug in clv: please report "
        f"it with reference {ref}{told} (CLV_DEBUG=1 shows the traceback)")
    raise SystemExit(1)


def _show_warning(message: Warning | str, category: type[Warning], *_: Any, **__: Any
                  ) -> None:
    """A warning the library gives (a model's assumption in doubt...) on one line of stderr,
    in words, not as Python prints it (file, line and source)."""
    say("warning", "yellow", " ".join(cli_words(str(message)).split()))


def _version() -> str:
    from clv import __version__

    return __version__


_FILE_ERRORS = (FileNotFoundError, FileExistsError, PermissionError, IsADirectoryError,
                NotADirectoryError)


def main() -> None:
    """Entry point: run the app, turning user errors into one line and exit status 2.

    Usage errors (unknown option, missing argument, bad value) are click exceptions; they are
    recognised by duck typing (:func:`_is_click_exception`) so that any Typer release within
    the bounds of pyproject.toml, bundling its own click or not, gives one sentence too."""
    import warnings

    warnings.showwarning = _show_warning
    try:
        code = app(standalone_mode=False)
    except ClvError as exc:
        _fail(_mapping_hint(exc))
    except ValueError as exc:  # input checks of the formulas and settings
        _fail(str(exc))
    except _FILE_ERRORS as exc:  # an output file in a missing folder, a read-only place...
        _fail(f"{exc.filename}: {exc.strerror}" if exc.filename else str(exc))
    except typer.Exit as exc:  # --help, and ctx.exit()
        raise SystemExit(exc.exit_code) from None
    except (typer.Abort, KeyboardInterrupt):
        raise SystemExit(130) from None
    except Exception as exc:
        if not _is_click_exception(exc):
            _internal_error(exc)
        if not callable(getattr(exc, "format_message", None)):  # click's Exit, under any name
            raise SystemExit(exc.exit_code) from None  # type: ignore[attr-defined]
        _usage_error(exc)
    # Without standalone mode, Typer returns the status of an exit (--help: 0) instead of
    # raising it; a command returns None.
    if isinstance(code, int) and not isinstance(code, bool) and code:
        raise SystemExit(code)
