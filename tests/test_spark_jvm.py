"""The archive of the local Spark driver's classes (:mod:`clv.spark.jvm`): written once when the
first JVM exits, whole or not at all, then mapped by the next; never where the user's own
settings or a class path folder with files would be overridden or fail; a command's standard
output unchanged."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("pyspark")

from clv.spark import jvm  # noqa: E402
from conftest import need_java  # noqa: E402


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[tuple[object, ...]]:
    """A process as it starts: no JVM yet, the archive on, its folder empty, Spark's
    configuration folder empty; the finishers registered are recorded, not run."""
    from pyspark import SparkContext

    need_java()
    monkeypatch.setattr(SparkContext, "_gateway", None)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (tmp_path / "conf").mkdir()
    monkeypatch.setenv("SPARK_CONF_DIR", str(tmp_path / "conf"))
    for name in (jvm.SWITCH, "PYSPARK_GATEWAY_PORT", "PYSPARK_SUBMIT_ARGS", "HADOOP_CONF_DIR",
                 "YARN_CONF_DIR", "SPARK_DIST_CLASSPATH"):
        monkeypatch.delenv(name, raising=False)
    registered: list[tuple[object, ...]] = []
    monkeypatch.setattr(jvm.atexit, "register", lambda *a: registered.append(a))
    return registered


def test_options_write_then_map(fresh: list[tuple[object, ...]], tmp_path: Path) -> None:
    """No archive (or one too small to be whole): the JVM writes one to a file of its own
    (host, process and a random part in its name) and the finisher is registered; a whole
    archive: the JVM maps it. The JVM's output on standard error, its messages about the
    archive off."""
    archive = jvm.archive_path()
    assert archive is not None and archive.parent == tmp_path / "cache" / "clv"
    assert archive.name.startswith("spark-") and archive.suffix == ".jsa"
    for size in (None, 10):
        if size is not None:
            archive.write_bytes(b"x" * size)
        options = jvm.start_options("local[*]", {})[jvm.OPTIONS]
        made = Path(options.split(" ", 1)[0].removeprefix("-XX:ArchiveClassesAtExit="))
        assert made.parent == archive.parent and made.name.startswith(f"{archive.name}.")
        assert made.name.endswith(".part") and f".{os.getpid()}." in made.name
        assert jvm.QUIET in options and "-XX:+DisplayVMOutputToStderr" in options
        assert fresh[-1] == (jvm._keep, made, archive, os.getpid())
    assert len(fresh) == 2 and fresh[0][1] != fresh[1][1]
    os.truncate(archive, jvm.SMALLEST)
    assert jvm.start_options("local[2]", {})[jvm.OPTIONS] == \
        f"-XX:SharedArchiveFile={archive} {jvm.QUIET} {jvm._errors(archive)}"
    assert len(fresh) == 2


@pytest.mark.parametrize("case", [
    "off", "0", "cluster", *jvm.OWN, "submit args", "no java", "running", "conf folder",
    "hadoop conf", "unreadable conf", "distribution class path", "space in the path",
    "quote in the path", "submit conf"])
def test_options_none(fresh: list[tuple[object, ...]], monkeypatch: pytest.MonkeyPatch,
                      tmp_path: Path, case: str) -> None:
    """No archive when it is off, on a cluster's master, when the user gives the driver's
    Java options or class path (settings or PYSPARK_SUBMIT_ARGS), without Java, when the
    process's JVM is already running, when a folder on the class path has files (HotSpot
    writes no archive then, and spark-defaults.conf may give the driver's options), or when
    the archive's path has a space, a quote or a backslash (Spark splits the options at
    spaces and reads quotes). A folder it cannot look into counts as one with files."""
    from pyspark import SparkContext

    master, conf = "local[*]", {}
    if case in ("off", "0"):
        monkeypatch.setenv(jvm.SWITCH, case)
    elif case == "cluster":
        master = "spark://host:7077"
    elif case in jvm.OWN:
        conf = {case: "-Xss4m"}
    elif case == "submit args":
        monkeypatch.setenv("PYSPARK_SUBMIT_ARGS", "--driver-java-options -Xss4m pyspark-shell")
    elif case == "no java":
        monkeypatch.setattr(jvm, "_java", lambda: None)
    elif case == "running":
        monkeypatch.setattr(SparkContext, "_gateway", object())
    elif case == "conf folder":
        (tmp_path / "conf" / "spark-defaults.conf").write_text("spark.driver.memory 2g\n")
    elif case == "hadoop conf":
        (tmp_path / "hadoop").mkdir()
        (tmp_path / "hadoop" / "core-site.xml").write_text("<configuration/>\n")
        monkeypatch.setenv("HADOOP_CONF_DIR", str(tmp_path / "hadoop"))
    elif case == "unreadable conf":
        monkeypatch.setattr(Path, "iterdir", lambda self: (_ for _ in ()).throw(
            PermissionError(13, "Permission denied", str(self))))
    elif case == "distribution class path":
        monkeypatch.setenv("SPARK_DIST_CLASSPATH", "/opt/hadoop/lib/*")
    elif case == "submit conf":
        monkeypatch.setenv("PYSPARK_SUBMIT_ARGS",
                           "--conf spark.driver.extraJavaOptions=-Xss4m pyspark-shell")
    elif case == "quote in the path":
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "it's"))
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "my cache"))
    assert jvm.start_options(master, conf) == {}
    assert fresh == []


@pytest.mark.parametrize("archived", [False, True])
def test_stale_writes_swept(fresh: list[tuple[object, ...]], tmp_path: Path,
                            archived: bool) -> None:
    """A file left by a writer stopped midway is removed after an hour, whether an archive
    exists or not; a recent one (a writer at work) stays. The crash reports of the JVM go
    beside the archive."""
    archive = jvm.archive_path()
    assert archive is not None
    archive.parent.mkdir(parents=True)
    if archived:
        archive.write_bytes(b"")
        os.truncate(archive, jvm.SMALLEST)
    old, recent = (archive.with_name(f"{archive.name}.h.{n}.x.part") for n in (1, 2))
    for path in (old, recent):
        path.write_bytes(b"x")
    hours = time.time() - jvm.STALE - 60
    os.utime(old, (hours, hours))
    options = jvm.start_options("local[*]", {})[jvm.OPTIONS]
    assert not old.exists() and recent.exists()
    assert ("-XX:SharedArchiveFile=" in options) == archived
    assert options.endswith(f"-XX:ErrorFile={archive.parent / 'hs_err_pid%p.log'}")


def _gateway(monkeypatch: pytest.MonkeyPatch, command: str) -> subprocess.Popen[bytes]:
    """A stand-in for the JVM: ``command`` in a shell, its input a pipe, as PySpark's."""
    from pyspark import SparkContext

    process = subprocess.Popen(["sh", "-c", command], stdin=subprocess.PIPE)

    class Gateway:
        proc = process

    monkeypatch.setattr(SparkContext, "_gateway", Gateway())
    monkeypatch.setattr(SparkContext, "_active_spark_context", None)
    return process


@pytest.mark.parametrize(("code", "size", "kept"), [(0, jvm.SMALLEST, True),
                                                    (3, jvm.SMALLEST, False),
                                                    (0, 10, False)])
def test_keep_whole_or_nothing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str], code: int, size: int,
                               kept: bool) -> None:
    """The file written becomes the archive only when the JVM exited cleanly (after its input
    closed) and wrote a whole one; the archives of other versions unused for a month are then
    removed (another environment's in use stays). The file written is gone either way, and a
    line on standard error says why the exit waits."""
    made, archive = tmp_path / "spark-a.jsa.h.1.x.part", tmp_path / "spark-a.jsa"
    other, used = tmp_path / "spark-old.jsa", tmp_path / "spark-other-env.jsa"
    for path in (other, used):
        path.write_bytes(b"old")
    month = time.time() - jvm.UNUSED - 60
    os.utime(other, (month, month))
    made.write_bytes(b"\0" * size)
    process = _gateway(monkeypatch, f"cat > /dev/null; exit {code}")
    jvm._keep(made, archive, os.getpid())
    assert process.returncode == code
    assert not made.exists()
    assert archive.is_file() == kept and other.exists() != kept and used.exists()
    captured = capsys.readouterr()
    assert captured.out == "" and "keeping Java's classes" in captured.err


def test_keep_stops_a_late_jvm_and_leaves_others_alone(monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Path) -> None:
    """A JVM that does not exit in time is stopped and leaves no archive; a process forked
    from the one that started the JVM touches nothing; without a JVM, nothing happens."""
    from pyspark import SparkContext

    made, archive = tmp_path / "spark-a.jsa.h.1.x.part", tmp_path / "spark-a.jsa"
    made.write_bytes(b"\0" * jvm.SMALLEST)
    process = _gateway(monkeypatch, "sleep 30")
    jvm._keep(made, archive, os.getpid() + 1)  # a child's exit
    assert process.poll() is None and made.exists()
    monkeypatch.setattr(jvm, "WAIT", 0.2)
    jvm._keep(made, archive, os.getpid())
    assert process.wait(timeout=5) != 0 and not made.exists() and not archive.exists()
    monkeypatch.setattr(SparkContext, "_gateway", None)
    made.write_bytes(b"\0" * jvm.SMALLEST)
    jvm._keep(made, archive, os.getpid())
    assert made.exists() and not archive.exists()


def test_after_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A JVM that was to map the archive and has not (the file is not among its mappings; no
    "sharing" without /proc) removes it; one that maps it keeps it. A JVM that was to write
    the archive and shares nothing writes none: its exit is not waited for. A JVM started
    again without the archive: the same, as one that did not map it."""
    import mmap

    forgotten: list[object] = []
    monkeypatch.setattr(jvm.atexit, "unregister", forgotten.append)
    archive = tmp_path / "spark-a.jsa"
    mapped = {jvm.OPTIONS: f"-XX:SharedArchiveFile={archive} {jvm.QUIET}"}
    writing = {jvm.OPTIONS: f"-XX:ArchiveClassesAtExit={tmp_path / 'x.part'} {jvm.QUIET}"}
    archive.write_bytes(b"x" * 4096)
    with open(archive, "rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ):
        jvm.after_start(mapped, os.getpid(), "mixed mode")  # this process maps it
    assert archive.exists()
    jvm.after_start(mapped, None, "mixed mode, sharing")
    jvm.after_start(writing, os.getpid(), "mixed mode, sharing")
    assert archive.exists() and forgotten == []
    jvm.after_start(writing, os.getpid(), "mixed mode")
    assert forgotten == [jvm._keep]
    jvm.after_start(mapped, os.getpid(), "mixed mode, sharing")  # not among the mappings
    assert not archive.exists()
    archive.write_bytes(b"x")
    jvm.forget(writing)
    assert archive.exists() and forgotten == [jvm._keep, jvm._keep]
    jvm.forget(mapped)
    assert not archive.exists()


def test_archive_made_once_then_mapped(tmp_path: Path) -> None:
    """Through the installed script, in processes of their own: with a file in Spark's
    configuration folder no archive is written and the output is the same; without, the first
    run writes the archive (whole, nothing left midway, a line on standard error), and a
    second run's JVM loads Spark's classes from it; every run prints the same summary, its
    standard output JSON alone, and no traceback."""
    need_java()
    from clv import datasets

    log = tmp_path / "cdnow.parquet"
    datasets.load_cdnow(sample=True).select("customer_id", "date", "amount").write_parquet(log)
    clv = str(Path(sys.executable).parent / "clv")
    cache, conf = tmp_path / "cache", tmp_path / "conf"
    conf.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in (jvm.SWITCH, "PYSPARK_SUBMIT_ARGS")}
    env |= {"XDG_CACHE_HOME": str(cache), "SPARK_CONF_DIR": str(conf)}

    def run(**more: str) -> tuple[object, str]:
        done = subprocess.run(
            (clv, "summary", str(log), "--engine", "spark", "--spark-master", "local[1]",
             "--spark-conf", "spark.sql.shuffle.partitions=1", "--json"),
            capture_output=True, text=True, timeout=600, env=env | more)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "Traceback" not in done.stderr, done.stderr[-2000:]
        return json.loads(done.stdout), done.stderr

    (conf / "notes.txt").write_text("a file in Spark's configuration folder\n")
    first, said = run()
    assert "keeping Java's classes" not in said
    assert not cache.exists() or not list((cache / "clv").glob("*"))
    (conf / "notes.txt").unlink()
    try:
        second, said = run()
        assert second == first and "keeping Java's classes" in said
        kept = sorted((cache / "clv").iterdir())
        assert [p.suffix for p in kept] == [".jsa"] and kept[0].stat().st_size >= jvm.SMALLEST
        loaded = tmp_path / "classes.log"
        again, said = run(JDK_JAVA_OPTIONS=f"-Xlog:class+load=info:file={loaded}")
        assert again == first and "keeping Java's classes" not in said
        shared = sum("shared objects file (top)" in line
                     for line in loaded.read_text().splitlines())
        assert shared > 1000, shared
        assert sorted((cache / "clv").iterdir()) == kept
    finally:
        shutil.rmtree(cache, ignore_errors=True)
