"""The local Spark driver's start-up: an archive of the Java classes it loads, kept between runs.

A local Spark session starts a Java virtual machine that loads thousands of classes from
Spark's jars, parsing and verifying each one: ``clv summary --engine spark`` on 10M lines took
4.5 and 7.7 s longer without the archive below than with it (two alternated pairs,
bench/README.md). HotSpot's class-data sharing (JEP 350, dynamic archives, Java 13 and
later; Spark 4 needs Java 17) keeps the classes a run loaded, parsed and verified, in one file
that later runs map into memory.

The first local session of a process with no archive asks the JVM to write one when it exits
(``-XX:ArchiveClassesAtExit``) to a file of its own; when Python exits, :func:`_keep` stops the
JVM, waits for it to write (some 10 s, once) and renames that file to the archive, so that an
archive is only ever a whole file (a cut one would crash the JVMs that map it). Later sessions
map it (``-XX:SharedArchiveFile``). HotSpot checks that an archive was made by the same JVM with
the same class path and ignores it otherwise; its name also holds a digest of the JVM, the
jars and the Spark version, so that an upgrade makes a new one (those unused for a month are
removed). The JVM's messages about the archive (one line per class it cannot keep) are
silenced: a command's output stays its own.

The archive is some 170 to 190 MB (172 MB after a small job, 186 MB after 10M lines), in
``$XDG_CACHE_HOME/clv`` (else ``~/.cache/clv``). It is not used when the environment variable
:data:`SWITCH` is ``off``, on a cluster's master, when the session's settings give
``spark.driver.extraJavaOptions`` (the user's own options stand), or when a JVM is already
running in the process (its options are set)."""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import os
import shutil
import subprocess
import time
from pathlib import Path

SWITCH = "CLV_SPARK_CLASS_ARCHIVE"
"""Environment variable: ``off`` (or ``0``, ``no``, ``false``) starts local Spark sessions
without the archive of classes."""
OPTIONS = "spark.driver.extraJavaOptions"
QUIET = "-Xlog:cds=off,cds+dynamic=off"
"""The JVM's logging of the archive off: it writes to standard output by default."""
WAIT = 120.0
"""Seconds :func:`_keep` waits for the JVM to exit and write the archive (some 10 s here)."""
SMALLEST = 1_000_000
"""An archive written is kept only when it has at least this many bytes."""
STALE = 24 * 3600.0
"""Files being written by a JVM that are older than this (seconds) are removed: their writer
was stopped before it finished."""
UNUSED = 30 * 24 * 3600.0
"""Archives of other versions (another Spark, JVM or environment) unused for this long
(seconds) are removed when an archive is written: each use marks its archive's time."""


def folder() -> Path:
    """Where the archive is kept: ``$XDG_CACHE_HOME/clv``, else ``~/.cache/clv``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "clv"


def _java() -> Path | None:
    """The ``java`` Spark's launcher runs: ``$JAVA_HOME/bin/java``, else the first on the
    ``PATH``; its real path (None when there is none)."""
    home = os.environ.get("JAVA_HOME")
    found = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    return Path(os.path.realpath(found)) if found and Path(found).is_file() else None


def _jars() -> Path | None:
    """The folder of Spark's jars: pyspark's own (pip), else ``$SPARK_HOME/jars``."""
    import pyspark

    for place in (Path(pyspark.__file__).parent / "jars",
                  Path(os.environ.get("SPARK_HOME", "")) / "jars"):
        if place.is_dir():
            return place
    return None


def archive_path() -> Path | None:
    """The archive of this JVM, these jars and this Spark (None without Java or jars): its
    name holds the Spark version and a digest of the JVM's files (its launcher and its
    library) and of the jars (names, sizes, times)."""
    import pyspark

    java, jars = _java(), _jars()
    if java is None or jars is None:
        return None
    digest = hashlib.sha256(pyspark.__version__.encode())
    for path in (java, java.parent.parent / "lib" / "server" / "libjvm.so",
                 *sorted(jars.glob("*.jar"))):
        with contextlib.suppress(OSError):
            stat = path.stat()
            digest.update(f"{path}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return folder() / f"spark-{pyspark.__version__}-{digest.hexdigest()[:16]}.jsa"


def archive_options(master: str, conf: dict[str, str]) -> dict[str, str]:
    """The settings that start a local session's JVM with the archive of classes: mapped when
    it exists, else written when the JVM exits (and kept by :func:`_keep`, registered to run
    when Python exits); none when the archive is off (see the module's text)."""
    from pyspark import SparkContext

    if (not master.startswith("local") or OPTIONS in conf or os.name != "posix"
            or os.environ.get(SWITCH, "").strip().lower() in ("off", "0", "no", "false")
            or SparkContext._gateway is not None or "PYSPARK_GATEWAY_PORT" in os.environ):
        return {}
    archive = archive_path()
    if archive is None:
        return {}
    if archive.is_file():
        with contextlib.suppress(OSError):  # its last use (others unused are removed)
            os.utime(archive)
        return {OPTIONS: f"-XX:SharedArchiveFile={archive} {QUIET}"}
    try:
        archive.parent.mkdir(parents=True, exist_ok=True)
        for old in archive.parent.glob("spark-*.jsa.*.part"):  # a writer stopped midway
            if time.time() - old.stat().st_mtime > STALE:
                old.unlink(missing_ok=True)
    except OSError:  # no place to keep it: start without
        return {}
    made = archive.with_name(f"{archive.name}.{os.getpid()}.part")
    atexit.register(_keep, made, archive)
    return {OPTIONS: f"-XX:ArchiveClassesAtExit={made} {QUIET}"}


def _keep(made: Path, archive: Path) -> None:
    """When Python exits: stop the session and the JVM (its standard input closed, as when
    Python exits), wait for it to write ``made``, and, when it exited cleanly having written
    it, rename it ``archive`` (whole, in one step) and remove the archives of other versions
    unused for :data:`UNUSED` (another environment's may be in use).
    Anything that fails leaves no archive: the next session makes one again."""
    from py4j.protocol import Py4JError
    from pyspark import SparkContext

    try:
        process = getattr(SparkContext._gateway, "proc", None)
        if process is None or process.stdin is None:
            return
        active = SparkContext._active_spark_context
        if active is not None:
            active.stop()
        process.stdin.close()
        if process.wait(timeout=WAIT) == 0 and made.is_file() \
                and made.stat().st_size >= SMALLEST:
            os.replace(made, archive)
            for old in archive.parent.glob("spark-*.jsa"):
                if old != archive and time.time() - old.stat().st_mtime > UNUSED:
                    old.unlink(missing_ok=True)
    except (OSError, subprocess.TimeoutExpired, Py4JError):
        pass  # no archive this time: the next session makes one
    finally:
        with contextlib.suppress(OSError):
            made.unlink(missing_ok=True)
