"""The ``clv`` command line: thin Typer commands over the library, Rich output, ``--json``.

The commands live in modules by subject (``data``: check, summary; ``models``: fit, predict,
evaluate; ``decisions``: segments, cohorts, channels, timing, whatif, saas; ``analysis``:
analyze, report, score, history, serve, demo; ``calc``: the formulas), on the shared options
of ``options`` (whose valuation options wrap ``clv.valuation.Settings``). Each module imports
what its commands need when they run, so that ``clv --help`` and ``clv calc`` start at once.

User errors (bad files, columns, settings) exit with status 2 and one sentence naming the file,
row and column; they never print a traceback. Anything else is a bug: one line saying so, with
a reference and the file holding its traceback, and status 1. Every command takes ``--lang``
(``en``, ``fr``; default ``CLV_LANG``, else the locale's): the words of the output and of these
sentences, its numbers and dates (Typer's help stays English; ``--json`` is the same in every
language).
"""

from __future__ import annotations

import contextlib
import importlib
import re
import sys
from pathlib import Path
from typing import Any, NoReturn

import typer

from clv.cli.output import cli_words, say, w
from clv.errors import ClvError

__all__ = ["app", "build_app", "main"]

# Each command -> the module of ``clv.cli`` that holds it (``calc`` is a group of formulas).
# ``main`` builds only the module of the command it runs: Typer turns every command's
# signature into click parameters when the app is called, and each module imports what its
# options need, so building all of them would cost ``clv calc`` a third of its start.
# tests/test_cli_usage.py checks that this table lists every command of the full app.
COMMANDS = {"check": "data", "summary": "data",
            "fit": "models", "predict": "models", "evaluate": "models",
            "segments": "decisions", "cohorts": "decisions", "channels": "decisions",
            "timing": "decisions", "whatif": "decisions", "saas": "decisions",
            "analyze": "analysis", "report": "analysis", "history": "analysis",
            "score": "analysis", "serve": "analysis", "demo": "analysis",
            "calc": "calc"}
MODULES = ("data", "models", "decisions", "analysis", "calc")


def build_app(modules: tuple[str, ...] = MODULES) -> typer.Typer:
    """The ``clv`` app with the commands of ``modules`` (all of them by default)."""
    # rich_markup_mode=None: help texts are plain text, so brackets ("[campaign]",
    # "clv[excel]") are shown as written instead of being read as Rich markup.
    built = typer.Typer(help="clv: measure, predict and explain customer lifetime value.",
                        no_args_is_help=True, add_completion=False, rich_markup_mode=None)
    for name in modules:
        module = importlib.import_module(f"clv.cli.{name}")
        if name == "calc":
            built.add_typer(module.commands, name="calc")
        else:
            built.add_typer(module.commands)
    return built


def __getattr__(name: str) -> Any:
    """``clv.cli.app``: the whole app, built on first use."""
    if name == "app":
        globals()["app"] = built = build_app()
        return built
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _app_for(args: list[str]) -> typer.Typer:
    """The app that runs ``args``: only the module of its command when the first argument is
    a command (with its options after it), else the whole app (``clv --help``, a misspelt
    command, options before the command)."""
    module = COMMANDS.get(args[0]) if args else None
    return build_app((module,)) if module else build_app()

# Canonical field of a MappingError -> the option that names its column.
FIELD_OPTIONS = {"customer_id": "--customer", "timestamp": "--date", "amount": "--amount",
                 "quantity": "--quantity", "price": "--price", "order_id": "--order-id",
                 "product": "--product", "channel": "--channel",
                 # the subscriptions' (clv saas)
                 "start": "--start", "end": "--end", "mrr": "--mrr"}


def _fail(message: str) -> NoReturn:
    """Print ``error: message`` on one line of stderr (the message as written: no Rich markup;
    runs of spaces and line ends as one space, the no-break spaces of French kept) and exit
    with status 2."""
    say("cli_error", "red", _one_line(cli_words(str(message))))
    raise SystemExit(2)


def _one_line(text: str) -> str:
    """``text`` on one line: each run of whitespace one space, but for the no-break spaces
    (French writes one before ':' and inside « », and in 1 234,50)."""
    return re.sub(r"[^\S\u00a0\u202f]+", " ", text).strip()


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
    _argv_lang()
    message = _click_words(exc)
    message = " ".join(message.split()).rstrip(".") or w("cli_invalid_usage")
    path = getattr(ctx, "command_path", None)
    _fail(w("cli_see_help", message=message, path=path) if path else f"{message}.")


def _argv_lang() -> None:
    """The language of a command line that could not be parsed (its ``--lang`` was not read):
    its ``--lang`` value when it has one that is a language."""
    from clv.cli.output import _LANG, set_lang

    if "lang" in _LANG:
        return
    args = sys.argv[1:]
    for i, arg in enumerate(args):
        value = args[i + 1] if arg == "--lang" and i + 1 < len(args) else \
            arg.partition("=")[2] if arg.startswith("--lang=") else None
        if value is not None:
            with contextlib.suppress(ClvError):  # not a language: the environment's
                set_lang(value)
            return


def _click_words(exc: BaseException) -> str:
    """A usage error's sentence: an unknown option or command, or a missing option or argument,
    in this run's language (from the exception's attributes); any other as click writes it
    (English)."""
    from clv.cli.output import lang

    format_message = getattr(exc, "format_message", None)
    message = format_message() if callable(format_message) else str(exc)
    if lang() == "en":
        return message
    name = type(exc).__name__
    option = getattr(exc, "option_name", None)
    if name == "NoSuchOption" and option:
        return w("cli_no_such_option", option=option)
    param = getattr(exc, "param", None)
    if name == "MissingParameter" and param is not None:
        hints = getattr(param, "opts", None) or [getattr(param, "human_readable_name", "")]
        what = "cli_missing_argument" if getattr(param, "param_type_name", "") == "argument" \
            else "cli_missing_option"
        return w(what, name=" / ".join(str(h) for h in hints))
    if name == "BadParameter" and param is not None:
        hints = getattr(param, "opts", None) or [getattr(param, "human_readable_name", "")]
        return w("cli_bad_value", name=" / ".join(str(h) for h in hints),
                 detail=_value_words(str(getattr(exc, "message", message))))
    command = re.fullmatch(r"No such command '(.+)'\.?", message.strip())
    if command:
        return w("cli_no_such_command", command=command.group(1))
    extra = re.fullmatch(r"Got unexpected extra argument(?:s|\(s\))? \((.+)\)\.?",
                         message.strip())
    if extra:
        return w("cli_extra_arguments", arguments=extra.group(1))
    return message


def _value_words(detail: str) -> str:
    """Why click refused a value (a choice it does not offer, a number it cannot read), in
    this run's language; any other reason as click writes it."""
    detail = detail.strip().removeprefix("Value error, ")
    choice = re.fullmatch(r"'(.*)' is not one of (.+?)\.?", detail)
    if choice:
        return w("cli_not_one_of", value=choice.group(1), allowed=choice.group(2))
    number = re.match(r"('.*' is not a valid|Input should be a valid) (integer|float|number)",
                      detail)
    if number:
        return w("cli_want_integer" if number.group(2) == "integer" else "cli_want_number")
    return detail


def _mapping_hint(exc: ClvError) -> str:
    """The message of a user error in this run's language (:func:`clv.errors.say`); a column
    that could not be mapped gets the option that names it (the library's message says
    nothing of the command line)."""
    from clv.cli.output import lang
    from clv.errors import MappingError
    from clv.errors import say as said

    option = FIELD_OPTIONS.get(getattr(exc, "field", None) or "") \
        if isinstance(exc, MappingError) else None
    if option and exc.key == "error_column_missing":  # the option given, not the field's name
        exc = exc.with_values(field=option)
    message = said(exc, lang())
    if exc.key in ("error_strict", "error_strict_one") and lang() == "en":
        message = _strict_words(message, exc.values)
    if option and option not in message:
        message = w("cli_name_it", message=message, option=option)
    return message


def _strict_words(message: str, values: dict[str, Any]) -> str:
    """The English of a ``--strict`` error as the French says it: an empty value as empty (the
    library writes Python's ``None``), one row in the singular."""
    if values.get("value") is None:
        message = message.replace("(value None)", w("cli_value_empty", lang_="en"))
    if values.get("n") == 1:
        message = message.replace("; 1 rows would be excluded in all (strict mode)",
                                  w("cli_strict_one_row", lang_="en"))
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
        told = w("cli_details_in", path=str(where))
    except OSError:
        told = ""
    say("cli_error", "red", w("cli_internal_error", kind=type(exc).__name__, ref=ref,
                              told=told))
    raise SystemExit(1)


def _show_warning(message: Warning | str, category: type[Warning], *_: Any, **__: Any
                  ) -> None:
    """A warning the library gives (a model's assumption in doubt...) on one line of stderr,
    in words, not as Python prints it (file, line and source); an sBG group left out in this
    run's language."""
    from clv.cli.output import lang
    from clv.errors import say as said
    from clv.models.sbg import GroupLeftOut

    text = message.args[0] if isinstance(message, Warning) and message.args else message
    if isinstance(text, GroupLeftOut):
        message = w("cli_warn_group_left_out", by=text.by, key=text.key,
                    reason=said(text.error, lang()))
    say("cli_warning", "yellow", " ".join(cli_words(str(message)).split()))


_ERRNO = {"ENOENT": "cli_errno_enoent", "EEXIST": "cli_errno_eexist",
          "EACCES": "cli_errno_eacces", "EPERM": "cli_errno_eacces",
          "EISDIR": "cli_errno_eisdir", "ENOTDIR": "cli_errno_enotdir",
          "EROFS": "cli_errno_erofs"}


def _file_error(exc: OSError) -> str:
    """``file: what went wrong`` of a file that could not be written or read, the system's
    reason in this run's language (as the system says it when it is none of the usual)."""
    import errno

    from clv.cli.output import lang

    key = _ERRNO.get(errno.errorcode.get(exc.errno or 0, ""))
    reason = w(key) if key and lang() != "en" else exc.strerror
    return f"{exc.filename}: {reason}" if exc.filename else str(exc)


def _version() -> str:
    from clv import __version__

    return __version__


ALLOCATOR = "thp:always,metadata_thp:always"
"""The allocator settings of a ``clv`` command (see :func:`main`)."""

_FILE_ERRORS = (FileNotFoundError, FileExistsError, PermissionError, IsADirectoryError,
                NotADirectoryError)


def main() -> None:
    """Entry point: run the app, turning user errors into one line and exit status 2.

    Usage errors (unknown option, missing argument, bad value) are click exceptions; they are
    recognised by duck typing (:func:`_is_click_exception`) so that any Typer release within
    the bounds of pyproject.toml, bundling its own click or not, gives one sentence too."""
    import os
    import warnings

    # Polars' allocator (jemalloc, whose settings it reads from _RJEM_MALLOC_CONF when it
    # starts, i.e. before polars is imported) backs its buffers with huge pages where the
    # system allows them (transparent huge pages on madvise or always): on the 1M-customer
    # log `clv fit` took 826,000 page faults and 2.6 s of system time without, 102,000 and
    # 1.3 s with, for the same peak memory (bench/bench_alloc.py). Keeping freed pages too
    # (dirty_decay_ms:-1) saved 0.1 s more for 40% more memory: not taken. A setting of the
    # user's own (even empty) is kept.
    os.environ.setdefault("_RJEM_MALLOC_CONF", ALLOCATOR)
    warnings.showwarning = _show_warning
    try:
        code = _app_for(sys.argv[1:])(standalone_mode=False)
    except ClvError as exc:
        _fail(_mapping_hint(exc))
    except ValueError as exc:  # input checks of the formulas and settings
        _fail(str(exc))
    except _FILE_ERRORS as exc:  # an output file in a missing folder, a read-only place...
        _fail(_file_error(exc))
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
