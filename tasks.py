"""Set-up and the two everyday jobs, with nothing but python3 (>= 3.11) and access to PyPI.

    python3 tasks.py demo   # the 1950 treaty run against its historical timeline
    python3 tasks.py test   # lint, type-check and the whole test suite

Both create .venv from the locked requirements on first use (and again when the lock changes).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements.lock"
STAMP = VENV / ".foedus-lock-sha256"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def _run(*cmd: str | Path, check: bool = True, env: dict[str, str] | None = None) -> int:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run([str(c) for c in cmd], cwd=ROOT, check=check, env=env).returncode


def ensure_venv() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this script runs before the project's Python is known
        sys.exit("foedus needs Python 3.11 or newer")
    digest = hashlib.sha256(LOCK.read_bytes() + (ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == digest:
        return
    if not (BIN / "python").exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    py = BIN / "python"
    _run(py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", LOCK)
    _run(py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
         "-e", ".")
    STAMP.write_text(digest)


def ensure_chromium() -> None:
    """Browser tests drive Debian's Chromium; install it when we may (root with apt-get)."""
    if shutil.which("chromium") or Path("/usr/bin/chromium").exists():
        return
    if os.name != "posix" or os.geteuid() != 0 or not shutil.which("apt-get"):
        print("note: Chromium is not installed and cannot be installed here; browser tests will skip", flush=True)
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if _run("apt-get", "update", "-qq", check=False, env=env) == 0:
        _run("apt-get", "install", "-y", "-qq", "chromium", check=False, env=env)


def demo(args: list[str]) -> int:
    ensure_venv()
    cmd = [BIN / "foedus", "run", "treaties/sino_soviet_1950.md", "--events", "timelines/sino_soviet_1950_1980.yaml"]
    return _run(*cmd, *args, check=False)


def test(args: list[str]) -> int:
    ensure_venv()
    ensure_chromium()
    py = BIN / "python"
    for step in ((py, "-m", "ruff", "check", "foedus", "tests", "bench", "tasks.py"),
                 (py, "-m", "mypy", "foedus")):
        if _run(*step, check=False) != 0:
            return 1
    code = _run(py, "-m", "pytest", "-q", *args, check=False)
    if code == 5:
        print("error: no tests ran", file=sys.stderr)
        return 1
    return code


def main() -> int:
    jobs = {"demo": demo, "test": test, "setup": lambda a: (ensure_venv(), 0)[1]}
    if len(sys.argv) < 2 or sys.argv[1] not in jobs:
        print(__doc__)
        return 2
    return int(jobs[sys.argv[1]](sys.argv[2:]) or 0)


if __name__ == "__main__":
    sys.exit(main())
