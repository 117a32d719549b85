#!/usr/bin/env python3
"""Syntax check of every Swift and Kotlin file, with the real grammars (tree-sitter-swift and
tree-sitter-kotlin), because Swift cannot be compiled on the project's Linux machines.

Checks the repository's own files (tracked or new, not ignored: `git ls-files`) and the bindings
that scripts/bindings generated into target/bindings. Prints `file:line:col: ERROR|MISSING ...` for
each syntax error and exits 1 if there is any.

The grammars lag the languages in a few places where the code is valid and compiles (the generated
Kotlin is compiled by the Kotlin binding tests; the Swift by Xcode). Those constructs are blanked
out before parsing, with the same number of characters so that positions stay right; each one in
KNOWN_GRAMMAR_GAPS says why. Keep that list short and exact: it must never hide a real error.

Usage: parse_check.py [--root DIR] [--generated DIR] [--require-generated]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import tree_sitter
import tree_sitter_kotlin
import tree_sitter_swift

LANGUAGES = {
    "swift": tree_sitter.Language(tree_sitter_swift.language()),
    "kotlin": tree_sitter.Language(tree_sitter_kotlin.language()),
}
SUFFIXES = {".swift": "swift", ".kt": "kotlin", ".kts": "kotlin"}

# (language, pattern, replacement character, why). The group `gap` of every match is overwritten
# character by character (newlines kept), so line and column numbers of everything else stay.
KNOWN_GRAMMAR_GAPS: list[tuple[str, re.Pattern[str], str, str]] = [
    (
        "swift",
        re.compile(r"(?P<gap>#if swift\(>=5\.8\)\n[ \t]*@_documentation\(visibility: private\)\n[ \t]*#endif)"),
        " ",
        "UniFFI's Swift hides its helpers from DocC with an attribute inside `#if`; tree-sitter-swift "
        "0.7 cannot attach an attribute across `#endif` (valid Swift 5.8+)",
    ),
    (
        "swift",
        re.compile(r"let writeReturn = \{ (?P<gap>\(\)) \}"),
        " ",
        "UniFFI's Swift for a foreign trait method returning nothing writes the empty tuple as a "
        "closure's body (`{ () }`, valid Swift); tree-sitter-swift 0.7.4 cannot parse a bare `()` "
        "there",
    ),
    (
        "kotlin",
        re.compile(
            r"(?m)^[ \t]*\*/(?P<gap>[ \t])"
            r"(?=[ \t]*(?:(?:public|private|internal|protected|override|suspend)\s+)*fun\b)"
        ),
        ";",
        "UniFFI's Kotlin puts `fun` on the line that closes a multi-line doc comment (`*/ fun f()`); "
        "tree-sitter-kotlin 1.1 then misses the automatic semicolon between declarations",
    ),
    (
        "kotlin",
        re.compile(r"(?m)(?P<gap>/\*\*(?:[^*]|\*(?!/))*^[ \t]*\*/)(?=override fun\b)"),
        " ",
        "UniFFI's Kotlin for a foreign trait (`with_foreign`) closes a method's doc comment with no "
        "space before it (`*/override fun f()`), leaving no character to turn into the semicolon "
        "tree-sitter-kotlin 1.1 misses (the gap above); the comment itself is blanked instead",
    ),
]


@dataclass(frozen=True)
class SyntaxProblem:
    """One syntax error: 1-based line and column, and what the parser made of it."""

    path: str
    line: int
    column: int
    kind: str
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.kind} {self.text!r}"


def language_of(path: Path) -> str | None:
    """The grammar for a file name, or None for a file that is neither Swift nor Kotlin."""
    return SUFFIXES.get(path.suffix)


def neutralise_known_gaps(source: str, language: str) -> str:
    """Blanks out the constructs of KNOWN_GRAMMAR_GAPS, keeping every position."""

    def blank(fill: str):
        def replace(m: re.Match[str]) -> str:
            start, end = m.span("gap")
            gap = "".join(c if c == "\n" else fill for c in m.group("gap"))
            return m.group(0)[: start - m.start()] + gap + m.group(0)[end - m.start() :]

        return replace

    for lang, pattern, fill, _why in KNOWN_GRAMMAR_GAPS:
        if lang == language:
            source = pattern.sub(blank(fill), source)
    return source


def _position(source: bytes, byte: int) -> tuple[int, int]:
    """1-based line and character column of a byte offset."""
    line_start = source.rfind(b"\n", 0, byte) + 1
    return source.count(b"\n", 0, byte) + 1, len(source[line_start:byte].decode("utf-8", "replace")) + 1


def _snippet(source: bytes, start: int, end: int) -> str:
    text = source[start:end].decode("utf-8", "replace")
    first_line = text.split("\n", 1)[0]
    return first_line[:60]


def syntax_problems(source: str, language: str, path: str = "<source>") -> list[SyntaxProblem]:
    """Every ERROR and MISSING node of `source` parsed as `language` ("swift" or "kotlin")."""
    data = neutralise_known_gaps(source, language).encode("utf-8")
    tree = tree_sitter.Parser(LANGUAGES[language]).parse(data)
    root = tree.root_node
    if not root.has_error:
        return []

    problems: list[SyntaxProblem] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            line, column = _position(data, node.start_byte)
            kind = "MISSING" if node.is_missing else "ERROR"
            text = node.type if node.is_missing else _snippet(data, node.start_byte, node.end_byte)
            problems.append(SyntaxProblem(path, line, column, kind, text))
            if node.is_missing:
                continue
        # Only subtrees that hold an error need a look.
        broken = [c for c in node.children if c.has_error or c.is_missing]
        if not broken and not node.is_error:
            # The error is a hidden token (an identifier's inner token, Kotlin's automatic
            # semicolon): the tree has no node for it, so name the innermost node that holds it.
            problems.append(_hidden_error(data, language, path, node))
        stack.extend(reversed(broken))
    problems.sort(key=lambda p: (p.line, p.column))
    return problems


def _hidden_error(data: bytes, language: str, path: str, node) -> SyntaxProblem:
    """A problem for a hidden missing token inside `node`. At the top level (the whole file), the
    first declaration after which the file stops parsing is named instead."""
    culprit = node
    if node.parent is None:
        parser = tree_sitter.Parser(LANGUAGES[language])
        for child in node.children:
            if parser.parse(data[: child.end_byte]).root_node.has_error:
                culprit = child
                break
    line, column = _position(data, culprit.start_byte)
    where = _snippet(data, culprit.start_byte, culprit.end_byte) or culprit.type
    return SyntaxProblem(path, line, column, "MISSING", f"(hidden token) in {where}")


def repository_files(root: Path) -> list[Path]:
    """Swift and Kotlin files of the repository: tracked, or new and not ignored."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=root,
        check=True,
        capture_output=True,
    ).stdout.decode()
    files = {root / name for name in listed.split("\0") if name}
    return sorted(p for p in files if language_of(p) and p.is_file())


def default_generated_dir(root: Path) -> Path:
    """Where scripts/bindings writes the bindings: `bindings/` in the cargo target directory."""
    target = os.environ.get("CARGO_TARGET_DIR")
    return (Path(target) if target else root / "target") / "bindings"


def generated_files(generated: Path) -> list[Path]:
    """Swift and Kotlin files that scripts/bindings generated."""
    if not generated.is_dir():
        return []
    return sorted(p for p in generated.rglob("*") if p.is_file() and language_of(p))


def check(paths: list[Path], root: Path) -> list[SyntaxProblem]:
    """Syntax problems of all `paths`, each named relative to `root` where it can be."""
    problems: list[SyntaxProblem] = []
    for path in paths:
        language = language_of(path)
        if language is None:
            continue
        try:
            shown = str(path.relative_to(root))
        except ValueError:
            shown = str(path)
        source = path.read_text(encoding="utf-8")
        problems.extend(syntax_problems(source, language, shown))
    return problems


def main(argv: list[str] | None = None) -> int:
    here = Path(__file__).resolve()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=here.parents[2], help="repository root")
    parser.add_argument(
        "--generated", type=Path, default=None, help="generated bindings (default TARGET/bindings)"
    )
    parser.add_argument(
        "--require-generated",
        action="store_true",
        help="fail when no generated Swift or Kotlin is found (scripts/bindings has not run)",
    )
    args = parser.parse_args(argv)
    root = args.root.resolve()
    generated_dir = (args.generated or default_generated_dir(root)).resolve()

    own = repository_files(root)
    generated = generated_files(generated_dir)
    if args.require_generated and not (
        any(language_of(p) == "swift" for p in generated) and any(language_of(p) == "kotlin" for p in generated)
    ):
        print(f"no generated Swift and Kotlin in {generated_dir}: run scripts/bindings first", file=sys.stderr)
        return 2

    paths = own + [p for p in generated if p not in own]
    problems = check(paths, root)
    for problem in problems:
        print(problem)
    swift = sum(1 for p in paths if language_of(p) == "swift")
    kotlin = len(paths) - swift
    verdict = f"{len(problems)} syntax error(s)" if problems else "no syntax errors"
    print(f"parse check: {swift} Swift and {kotlin} Kotlin files ({len(generated)} generated): {verdict}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
