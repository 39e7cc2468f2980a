"""The local Spark driver's start-up: an archive of the Java classes it loads, kept between runs.

A local Spark session starts a Java virtual machine that loads thousands of classes from
Spark's jars, parsing and verifying each one: ``clv summary --engine spark`` on 10M lines took
4.5 and 7.7 s longer without the archive below than with it (two alternated pairs,
bench/README.md). HotSpot's class-data sharing (JEP 350, dynamic archives, Java 13 and
later; Spark 4 needs Java 17) keeps the classes a run loaded, parsed and verified, in one file
that later runs map into memory.

The first local session of a process with no archive asks the JVM to write one when it exits
(``-XX:ArchiveClassesAtExit``) to a file of its own; when Python exits, :func:`_keep` closes
the JVM's input (it then exits, as when Python exits), waits for it to write (the run is 20 to
30 s longer, once; a line on standard error says so), and renames that file to the archive, so
that an archive is only ever a whole file (a cut one crashes the JVMs that map it). Later
sessions map it (``-XX:SharedArchiveFile``). Its name holds a digest of the Spark, the JVM and
the jars, so that an upgrade makes a new one (those unused for a month are removed). HotSpot
ignores an archive it cannot use (and may drop its own archive of the JDK's classes with it): a
session whose JVM did not map the archive removes it, and the next one writes it again. The
JVM's own output goes to standard error and its messages about the archive (one line per class
it cannot keep) are off: a command's standard output stays its own.

The archive is some 170 to 190 MB (172 MB after a small job, 186 MB after 10M lines), in
``$XDG_CACHE_HOME/clv`` (else ``~/.cache/clv``). It is not used when the environment variable
:data:`SWITCH` is ``off``; on a cluster's master; when the session's settings or
``PYSPARK_SUBMIT_ARGS`` give the driver's Java options or class path (the user's stand), or
Spark's configuration folder (or Hadoop's, or YARN's) has files (they are on the class path,
where HotSpot writes no archive; ``spark-defaults.conf`` may give the driver's options); when a
JVM is already running in the process; when the cache folder cannot be written."""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

SWITCH = "CLV_SPARK_CLASS_ARCHIVE"
"""Environment variable: ``off`` (or ``0``, ``no``, ``false``) starts local Spark sessions
without the archive of classes."""
OPTIONS = "spark.driver.extraJavaOptions"
OWN = (OPTIONS, "spark.driver.extraClassPath", "spark.driver.defaultJavaOptions")
"""Settings that, given by the user, leave the driver's JVM as they say (no archive)."""
QUIET = ("-XX:+DisplayVMOutputToStderr -Xlog:all=off:stdout -Xlog:all=warning:stderr "
         "-Xlog:cds*=off:stderr")
"""The JVM's output on standard error (it writes to standard output by default), its
messages about the archive off (other logs the user asks for, to files, stay on)."""
WAIT = 120.0
"""Seconds :func:`_keep` waits for the JVM to exit and write the archive (the run that writes
it is 20 to 30 s longer here)."""
SMALLEST = 1_000_000
"""An archive is written, and mapped, only when it has at least this many bytes."""
STALE = 3600.0
"""Files being written by a JVM that are older than this (seconds) are removed: their writer
was stopped before it finished (it has :data:`WAIT` seconds)."""
UNUSED = 30 * 24 * 3600.0
"""Archives of other versions (another Spark, JVM or environment) unused for this long
(seconds) are removed when an archive is written: each use marks its archive's time."""


def enabled() -> bool:
    """Whether the archive is on (:data:`SWITCH` is not ``off``, ``0``, ``no``, ``false``)."""
    return os.environ.get(SWITCH, "").strip().lower() not in ("off", "0", "no", "false")


def folder() -> Path | None:
    """Where the archive is kept: ``$XDG_CACHE_HOME/clv`` (an absolute path), else
    ``~/.cache/clv``; None without a home."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        try:
            base = str(Path.home() / ".cache")
        except (RuntimeError, KeyError):  # no HOME and no entry in the password file
            return None
    return Path(base) / "clv"


def _java() -> Path | None:
    """The ``java`` Spark's launcher runs: ``$JAVA_HOME/bin/java``, else the first on the
    ``PATH``; its real path (None when there is none)."""
    home = os.environ.get("JAVA_HOME")
    found = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    return Path(os.path.realpath(found)) if found and Path(found).is_file() else None


def _spark_home() -> Path | None:
    """The Spark that PySpark's launcher starts (``$SPARK_HOME``, else pyspark's own)."""
    from pyspark.find_spark_home import _find_spark_home

    try:
        return Path(_find_spark_home())
    except (SystemExit, OSError):  # pragma: no cover - pyspark without its jars
        return None


def _class_path_folders(home: Path) -> list[Path]:
    """The folders the launcher puts on the JVM's class path: Spark's configuration, and
    Hadoop's and YARN's when set."""
    return [Path(os.environ.get("SPARK_CONF_DIR") or home / "conf"),
            *(Path(os.environ[v]) for v in ("HADOOP_CONF_DIR", "YARN_CONF_DIR")
              if os.environ.get(v))]


def _has_files(place: Path) -> bool:
    """Whether the folder ``place`` holds anything (one it cannot read counts as holding)."""
    try:
        return place.is_dir() and any(place.iterdir())
    except OSError:
        return True


def archive_path() -> Path | None:
    """The archive of this JVM, these jars and this Spark (None without Java, jars or a
    home): its name holds the Spark version and a digest of the JVM's files (its launcher,
    its library and its ``release``) and of the jars (names, sizes, times)."""
    import pyspark

    java, home, place = _java(), _spark_home(), folder()
    if java is None or home is None or place is None or not (home / "jars").is_dir():
        return None
    digest = hashlib.sha256(f"{pyspark.__version__}|{home}".encode())
    jdk = java.parent.parent
    for path in (java, jdk / "lib" / "server" / "libjvm.so", jdk / "release",
                 *sorted((home / "jars").glob("*.jar"))):
        with contextlib.suppress(OSError):
            stat = path.stat()
            digest.update(f"{path}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return place / f"spark-{pyspark.__version__}-{digest.hexdigest()[:16]}.jsa"


def _sweep(place: Path) -> None:
    """Remove the files of writers stopped midway (older than :data:`STALE`)."""
    for old in place.glob("spark-*.jsa.*.part"):
        with contextlib.suppress(OSError):
            if time.time() - old.stat().st_mtime > STALE:
                old.unlink()


def start_options(master: str, conf: dict[str, str]) -> dict[str, str]:
    """The settings that start a local session's JVM with the archive of classes: mapped when
    it exists, else written when the JVM exits, which registers :func:`_keep` to run when
    Python exits; none when the archive is off or cannot be used (see the module's text)."""
    from pyspark import SparkContext

    submit = os.environ.get("PYSPARK_SUBMIT_ARGS", "")
    if (not master.startswith("local") or os.name != "posix" or not enabled()
            or any(k in conf for k in OWN) or SparkContext._gateway is not None
            or "PYSPARK_GATEWAY_PORT" in os.environ or os.environ.get("SPARK_DIST_CLASSPATH")
            or any(f in submit for f in ("--driver-java-options", "--driver-class-path",
                                         "--properties-file", *OWN))):
        return {}
    home = _spark_home()
    if home is None or any(_has_files(d) for d in _class_path_folders(home)):
        return {}
    archive = archive_path()
    if archive is None or any(c.isspace() or c in "\"'\\" for c in str(archive)):
        return {}  # Spark splits the options at spaces and reads quotes and backslashes
    try:
        archive.parent.mkdir(parents=True, exist_ok=True)
        _sweep(archive.parent)
        if archive.is_file() and archive.stat().st_size >= SMALLEST:
            with contextlib.suppress(OSError):  # its last use (the others unused are removed)
                os.utime(archive)               # (another user's archive is mapped as is)
            return {OPTIONS: f"-XX:SharedArchiveFile={archive} {QUIET} {_errors(archive)}"}
        if not os.access(archive.parent, os.W_OK | os.X_OK):
            return {}
    except OSError:  # no place to keep it: start without
        return {}
    made = archive.with_name(f"{archive.name}.{socket.gethostname()}.{os.getpid()}."
                             f"{secrets.token_hex(6)}.part")
    atexit.register(_keep, made, archive, os.getpid())
    return {OPTIONS: f"-XX:ArchiveClassesAtExit={made} {QUIET} {_errors(archive)}"}


def _errors(archive: Path) -> str:
    """The JVM's option that writes its crash reports beside the archive, not in the user's
    working folder."""
    return f"-XX:ErrorFile={archive.parent / 'hs_err_pid%p.log'}"


def after_start(options: dict[str, str], pid: int | None, vm_info: str) -> None:
    """Once the session's JVM (process ``pid``) started with ``options``: when it was to map
    the archive and has not (the archive's file is not among the JVM's mappings in
    ``/proc``; elsewhere, ``vm_info``, Java's ``java.vm.info``, says no "sharing"), HotSpot
    rejected it: it is removed, and the next session writes it again. When it was to write
    the archive and shares no classes (HotSpot writes none then: its own archive of the JDK
    is missing or sharing is off), nothing is waited for at the exit."""
    given = options.get(OPTIONS, "")
    if "-XX:SharedArchiveFile=" in given:
        archive = given.split("-XX:SharedArchiveFile=", 1)[1].split(" ", 1)[0]
        maps = Path(f"/proc/{pid}/maps")
        try:
            mapped = archive in maps.read_text() if pid is not None else "sharing" in vm_info
        except OSError:  # no /proc (not Linux)
            mapped = "sharing" in vm_info
        if not mapped:
            with contextlib.suppress(OSError):
                Path(archive).unlink()
    elif "-XX:ArchiveClassesAtExit=" in given and "sharing" not in vm_info:
        atexit.unregister(_keep)


def forget(options: dict[str, str]) -> None:
    """A session whose JVM did not start with ``options`` (it is started again without
    them): the archive it was to map is removed (the next session writes it again), the
    archive it was to write is not waited for."""
    after_start(options, None, "")


def _keep(made: Path, archive: Path, owner: int) -> None:
    """When Python exits (the process that started the JVM, ``owner``, not a child forked from
    it): stop PySpark's server of the accumulators, close the JVM's input, as Python's exit
    would (the JVM stops Spark and exits), wait for it to write ``made``, and, when it
    exited cleanly having written a whole archive, rename it ``archive`` (synced to disk
    first, renamed in one step) and remove the archives of other versions unused for
    :data:`UNUSED` (another environment's may be in use). Anything else (a timeout, an
    interruption) stops the JVM and leaves no archive: the next session writes one."""
    from pyspark import SparkContext

    if os.getpid() != owner:
        return
    process = getattr(SparkContext._gateway, "proc", None)
    if process is None or process.stdin is None:
        return
    kept = False
    try:
        if sys.stderr is not None:  # (closed: print would write to standard output)
            print("clv: keeping Java's classes for the next Spark sessions (once: 20 to 30 s)",
                  file=sys.stderr, flush=True)
        active = SparkContext._active_spark_context
        server = getattr(active, "_accumulatorServer", None)
        if server is not None:  # stopped first (a Python thread, no call to the JVM): it
            server.shutdown()   # would print a traceback when the JVM goes
        process.stdin.close()
        if process.wait(timeout=WAIT) == 0 and made.is_file() \
                and made.stat().st_size >= SMALLEST:
            with open(made, "rb") as written:
                os.fsync(written.fileno())
            os.replace(made, archive)
            kept = True
            with contextlib.suppress(OSError):
                directory = os.open(archive.parent, os.O_RDONLY)
                try:
                    os.fsync(directory)
                finally:
                    os.close(directory)
            for old in archive.parent.glob("spark-*.jsa"):
                with contextlib.suppress(OSError):
                    if old != archive and time.time() - old.stat().st_mtime > UNUSED:
                        old.unlink()
    except (OSError, subprocess.TimeoutExpired):
        pass  # no archive this time: the next session writes one
    finally:  # interrupted too (a second Ctrl-C): the JVM stopped, its file removed
        if not kept:
            with contextlib.suppress(OSError):
                process.kill()
            with contextlib.suppress(OSError):
                made.unlink(missing_ok=True)
