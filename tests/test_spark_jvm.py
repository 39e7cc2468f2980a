"""The archive of the local Spark driver's classes (:mod:`clv.spark.jvm`): written once when the
first JVM exits, whole or not at all, then mapped by the next; a command's output unchanged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("pyspark")

from clv.spark import jvm  # noqa: E402


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[tuple[object, ...]]:
    """A process as it starts: no JVM yet, the archive on, its folder empty; the finishers
    registered are recorded, not run."""
    from pyspark import SparkContext

    monkeypatch.setattr(SparkContext, "_gateway", None)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv(jvm.SWITCH, raising=False)
    monkeypatch.delenv("PYSPARK_GATEWAY_PORT", raising=False)
    registered: list[tuple[object, ...]] = []
    monkeypatch.setattr(jvm.atexit, "register", lambda *a: registered.append(a))
    return registered


def test_options_write_then_map(fresh: list[tuple[object, ...]], tmp_path: Path) -> None:
    """No archive: the JVM writes one to a file of its own and the finisher is registered;
    an archive there: the JVM maps it; both with the JVM's messages about it silenced."""
    archive = jvm.archive_path()
    assert archive is not None and archive.parent == tmp_path / "clv"
    assert archive.name.startswith("spark-") and archive.suffix == ".jsa"
    options = jvm.archive_options("local[*]", {})[jvm.OPTIONS]
    made = archive.with_name(f"{archive.name}.{os.getpid()}.part")
    assert options == f"-XX:ArchiveClassesAtExit={made} {jvm.QUIET}"
    assert fresh == [(jvm._keep, made, archive)]
    archive.write_bytes(b"x")
    assert jvm.archive_options("local[2]", {})[jvm.OPTIONS] == \
        f"-XX:SharedArchiveFile={archive} {jvm.QUIET}"
    assert len(fresh) == 1


@pytest.mark.parametrize("case", ["off", "cluster", "own options", "no java", "running"])
def test_options_none(fresh: list[tuple[object, ...]], monkeypatch: pytest.MonkeyPatch,
                      case: str) -> None:
    """No archive when it is off, on a cluster's master, when the user gives the JVM's
    options, without Java, or when the process's JVM is already running."""
    from pyspark import SparkContext

    master, conf = "local[*]", {}
    if case == "off":
        monkeypatch.setenv(jvm.SWITCH, "off")
    elif case == "cluster":
        master = "spark://host:7077"
    elif case == "own options":
        conf = {jvm.OPTIONS: "-Xss4m"}
    elif case == "no java":
        monkeypatch.setattr(jvm, "_java", lambda: None)
    else:
        monkeypatch.setattr(SparkContext, "_gateway", object())
    assert jvm.archive_options(master, conf) == {}
    assert fresh == []


@pytest.mark.parametrize(("code", "size", "kept"), [(0, jvm.SMALLEST, True),
                                                    (3, jvm.SMALLEST, False),
                                                    (0, 10, False)])
def test_keep_whole_or_nothing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, code: int,
                               size: int, kept: bool) -> None:
    """The file written becomes the archive only when the JVM exited cleanly (after its input
    closed) and wrote a whole one; the archives of other versions unused for a month are then
    removed (another environment's in use stays). The file written is gone either way."""
    from pyspark import SparkContext

    made, archive = tmp_path / "spark-a.jsa.1.part", tmp_path / "spark-a.jsa"
    other, used = tmp_path / "spark-old.jsa", tmp_path / "spark-other-env.jsa"
    for path in (other, used):
        path.write_bytes(b"old")
    month = time.time() - jvm.UNUSED - 60
    os.utime(other, (month, month))
    made.write_bytes(b"\0" * size)
    process = subprocess.Popen(["sh", "-c", f"cat > /dev/null; exit {code}"],
                               stdin=subprocess.PIPE)

    class Gateway:
        proc = process

    monkeypatch.setattr(SparkContext, "_gateway", Gateway())
    monkeypatch.setattr(SparkContext, "_active_spark_context", None)
    jvm._keep(made, archive)
    assert process.returncode == code
    assert not made.exists()
    assert archive.is_file() == kept and other.exists() != kept and used.exists()


def test_archive_made_once_then_mapped(tmp_path: Path) -> None:
    """Through the installed script, in processes of their own: the first run writes the
    archive (whole, nothing left midway), a second run's JVM maps it, and both print the
    same summary, their standard output JSON alone."""
    from clv import datasets

    log = tmp_path / "cdnow.parquet"
    datasets.load_cdnow(sample=True).select("customer_id", "date", "amount").write_parquet(log)
    clv = str(Path(sys.executable).parent / "clv")
    env = {k: v for k, v in os.environ.items() if k != jvm.SWITCH}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")

    def run(*args: str) -> str:
        done = subprocess.run(args, capture_output=True, text=True, timeout=600, env=env)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    command = (clv, "summary", str(log), "--engine", "spark", "--spark-master",
               "local[1]", "--spark-conf", "spark.sql.shuffle.partitions=1", "--json")
    first = json.loads(run(*command))
    kept = sorted((tmp_path / "cache" / "clv").iterdir())
    assert [p.suffix for p in kept] == [".jsa"] and kept[0].stat().st_size >= jvm.SMALLEST
    assert json.loads(run(*command)) == first
    shown = run(sys.executable, "-c", "from clv.spark import session; s = session('local[1]'); "
                "print(s.sparkContext._jvm.java.lang.management.ManagementFactory"
                ".getRuntimeMXBean().getInputArguments())")
    assert f"-XX:SharedArchiveFile={kept[0]}" in shown
    assert sorted((tmp_path / "cache" / "clv").iterdir()) == kept
