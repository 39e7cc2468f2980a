from __future__ import annotations

import os
from pathlib import Path

import pytest

# the Spark sessions of the tests, and of the commands they run, start without the archive of
# the JVM's classes (each first process would write one, 20 to 30 s more):
# tests/test_spark_jvm.py tests the archive in processes of its own
os.environ.setdefault("CLV_SPARK_CLASS_ARCHIVE", "off")

try:  # in CI the property tests try the same examples on every run, so that a red run is
    # reproducible and a run is not red by the luck of the draw; elsewhere they roam
    from hypothesis import settings as _settings

    _settings.register_profile("ci", derandomize=True)
    if os.environ.get("CLV_CI"):
        _settings.load_profile("ci")
except ImportError:  # pragma: no cover - hypothesis is a test dependency
    pass


@pytest.fixture(scope="session")
def reference_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference files shipped with clv (CDNOW sample and master, donations), written as
    published into a folder, for the tests that read files as a user would."""
    from clv.datasets import write_reference

    return write_reference(tmp_path_factory.mktemp("reference"))


@pytest.fixture(scope="session")
def cdnow(reference_data):
    """CDNOW_sample as in the published papers: weekly, calibration to 1997-09-30."""
    from clv import read_transactions, rfm_summary

    tx = read_transactions(reference_data / "CDNOW_sample.txt", customer="column_1",
                           date="column_3", amount="column_5")
    return rfm_summary(tx, unit="week", calibration_end="1997-09-30",
                       observation_end="1998-06-30")


def assert_gradient_matches(model, theta, data, rtol=1e-5, atol=1e-7):
    """The model's analytic gradient equals central finite differences of its log-likelihood."""
    import numpy as np

    _, grad = model._loglik(theta, data)
    for i in range(theta.size):
        step = np.zeros(theta.size)
        step[i] = 1e-6 * theta[i]
        numeric = (model._loglik(theta + step, data)[0]
                   - model._loglik(theta - step, data)[0]) / (2 * step[i])
        np.testing.assert_allclose(grad[:, i], numeric, rtol=rtol, atol=atol)


def missing(reason: str) -> None:
    """A browser or server the test needs is absent: a failure in CI (CLV_CI set by .ci/run,
    which installs them), a skip with the reason elsewhere."""
    if os.environ.get("CLV_CI"):
        pytest.fail(f"{reason} (CI installs it: see .ci/run)")
    pytest.skip(reason)


def need_java() -> None:
    """No Java runtime on the PATH: :func:`missing`."""
    import shutil

    if shutil.which("java") is None:
        missing("no Java runtime (Debian package default-jre-headless)")


def spark_session(**conf: str):  # type: ignore[no-untyped-def]
    """A local Spark session (2 cores, 2 shuffle partitions, ``conf`` added) for the Spark
    engine's tests; pyspark or Java absent: :func:`missing`. The caller stops it."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        missing("pyspark is not installed (pip install 'clv[spark]')")
    need_java()
    from clv.spark import session

    return session("local[2]", {"spark.sql.shuffle.partitions": "2", **conf})


def same_rows(a, b) -> None:  # type: ignore[no-untyped-def]
    """Two Polars frames with the same columns and customers in the same order, floats
    equal to 1e-9 relative (1e-9 absolute near 0), anything else exactly."""
    import polars as pl

    assert a.columns == b.columns and a.height == b.height
    assert a["customer_id"].to_list() == b["customer_id"].to_list()
    for column in a.columns:
        x, y = a[column], b[column]
        if y.dtype.is_float():
            assert ((x.cast(pl.Float64) - y).abs() <= 1e-9 * (1 + y.abs())).all(), column
        else:
            assert x.to_list() == y.to_list(), column


@pytest.fixture(scope="module")
def spark():  # type: ignore[no-untyped-def]
    """A local Spark session (:func:`spark_session`) for each test module of the Spark
    engine, stopped after it."""
    s = spark_session()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def browser():
    """The system Chromium driven by Playwright (no browser is downloaded), one per test
    module; missing (skipped, or failed in CI) when there is none."""
    from webtools import CHROMIUM_ARGS, chromium_path

    sync_api = pytest.importorskip("playwright.sync_api")
    path = chromium_path() or missing("no Chromium on this machine (Debian package chromium)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()
