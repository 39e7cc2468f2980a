"""What the tests of real exports share: writing a fixture, running the installed `clv` in a
subprocess (as a user does, in a language), and reading `clv check --json`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

CLV = Path(sys.executable).parent / "clv"


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    """``text`` written to ``folder / name`` in ``encoding``."""
    path = folder / name
    path.write_text(text, encoding=encoding)
    return path


def cli(*args: str | Path, lang: str = "en") -> subprocess.CompletedProcess[str]:
    """The installed ``clv`` run with ``args``, in ``lang``, 200 columns wide."""
    return subprocess.run([str(CLV), *map(str, args)], capture_output=True, text=True,
                          timeout=300, env={"PATH": "/usr/bin:/bin", "CLV_LANG": lang,
                                            "COLUMNS": "200"})


def check(path: Path, *args: str) -> dict[str, Any]:
    """``clv check PATH --json``, which must succeed with balanced amounts."""
    done = cli("check", path, "--json", *args)
    assert done.returncode == 0, done.stderr + done.stdout
    assert "Traceback" not in done.stderr
    out: dict[str, Any] = json.loads(done.stdout)
    assert out["balanced"]
    return out
