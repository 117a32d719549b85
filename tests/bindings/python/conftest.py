"""Makes the generated Python bindings importable for the binding tests.

scripts/bindings writes `alyze.py` and a copy of `libalyze.so` into `target/bindings/python`;
ALYZE_PY_BINDINGS points elsewhere (another cargo target directory).

The sync exports are async: a Rust future completed on a tokio thread can abort the interpreter at
exit (see "Versions and pitfalls" in the architecture notes), so `pytest_unconfigure` pauses a
moment for the runtime's threads to settle.
"""

import os
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
BINDINGS = Path(
    os.environ.get("ALYZE_PY_BINDINGS", REPO_ROOT / "target" / "bindings" / "python")
)

if not (BINDINGS / "alyze.py").exists():
    raise RuntimeError(f"no generated bindings in {BINDINGS}: run scripts/bindings first")
sys.path.insert(0, str(BINDINGS))


def pytest_unconfigure(config):
    time.sleep(0.2)
