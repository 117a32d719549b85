"""Makes the generated Python bindings importable for the binding tests.

scripts/bindings writes `alyze.py` and a copy of `libalyze.so` into `target/bindings/python`;
ALYZE_PY_BINDINGS points elsewhere (another cargo target directory).

Every export is synchronous so far. Once an async export exists, add a short pause in
`pytest_unconfigure`: a Rust future completed on a tokio thread can otherwise abort the interpreter
at exit (see "Versions and pitfalls" in the architecture notes).
"""

import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
BINDINGS = Path(
    os.environ.get("ALYZE_PY_BINDINGS", REPO_ROOT / "target" / "bindings" / "python")
)

if not (BINDINGS / "alyze.py").exists():
    raise RuntimeError(f"no generated bindings in {BINDINGS}: run scripts/bindings first")
sys.path.insert(0, str(BINDINGS))
