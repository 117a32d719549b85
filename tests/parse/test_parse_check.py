"""Tests of the Swift/Kotlin syntax check: the repository and the generated bindings parse, and a
broken file is reported with its position (a check that never fails would prove nothing)."""

from pathlib import Path

import parse_check
import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_repository_and_generated_bindings_parse():
    own = parse_check.repository_files(ROOT)
    generated = parse_check.generated_files(parse_check.default_generated_dir(ROOT))
    languages = {parse_check.language_of(p) for p in generated}
    assert languages == {"swift", "kotlin"}, "run scripts/bindings first"
    problems = parse_check.check(own + generated, ROOT)
    assert not problems, "\n".join(map(str, problems))


def test_broken_swift_is_reported_with_its_position():
    source = "import Foundation\n\npublic func analyse(_ rr: [Double]) -> Double {\n    let x = \n}\n"
    problems = parse_check.syntax_problems(source, "swift", "Broken.swift")
    assert problems
    assert all(p.path == "Broken.swift" for p in problems)
    assert any(p.line in (4, 5) for p in problems), problems


def test_broken_kotlin_is_reported_with_its_position():
    source = "package alyze\n\nfun analyse(rr: List<Double>: Double {\n    return rr.sum()\n}\n"
    problems = parse_check.syntax_problems(source, "kotlin", "Broken.kt")
    assert problems
    assert problems[0].line == 3, problems


def test_a_missing_statement_separator_in_kotlin_is_reported():
    problems = parse_check.syntax_problems("val x = 1 val y = 2\n", "kotlin")
    assert problems and problems[0].line == 1


def test_valid_sources_pass():
    assert not parse_check.syntax_problems("struct A { let x: Int }\nlet a = A(x: 1)\n", "swift")
    assert not parse_check.syntax_problems("data class A(val x: Int)\nval a = A(1)\n", "kotlin")


def test_known_grammar_gaps_keep_positions_and_hide_nothing_else():
    gap = "#if swift(>=5.8)\n@_documentation(visibility: private)\n#endif\n"
    assert not parse_check.syntax_problems(gap + "public func f() {}\n", "swift")
    problems = parse_check.syntax_problems(gap + "public func f() {}\nfunc g( {\n", "swift")
    assert problems and problems[0].line == 5, problems

    doc = "fun a() {\n}\n/**\n * Doc.\n */ fun b() {\n}\n"
    assert not parse_check.syntax_problems(doc, "kotlin")
    assert parse_check.syntax_problems(doc + "fun c( {\n", "kotlin")[0].line == 7
    glued = "class C : I {\n    fun a() {\n    }\n\n    /**\n     * Doc.\n     */override fun b(): Int {\n        return 1\n    }\n}\n"
    assert not parse_check.syntax_problems(glued, "kotlin")
    assert parse_check.syntax_problems(glued + "fun c( {\n", "kotlin")[0].line == 11
    unit = "func f() {\n    let writeReturn = { () }\n    writeReturn()\n}\n"
    assert not parse_check.syntax_problems(unit, "swift")
    assert parse_check.syntax_problems(unit + "func g( {\n", "swift")[0].line == 5
    # Only the generated closure is excused, not an empty tuple written elsewhere by hand.
    other = "let x = { () }\n"
    assert parse_check.neutralise_known_gaps(other, "swift") == other
    # Only a doc comment that closes a line of its own is excused, not code before `fun`.
    inline = "val x = 1 /* c */ fun b() {\n}\n"
    assert parse_check.neutralise_known_gaps(inline, "kotlin") == inline


def test_the_command_line_lists_file_line_and_column(tmp_path, capsys):
    repo = tmp_path / "repo"
    (repo / "ios").mkdir(parents=True)
    (repo / "ios" / "Broken.swift").write_text("func f() {\n    let = 1\n}\n")
    (repo / "ios" / "Fine.swift").write_text("func f() {}\n")
    parse_check.subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    code = parse_check.main(["--root", str(repo), "--generated", str(tmp_path / "none")])
    out = capsys.readouterr().out
    assert code == 1
    assert "ios/Broken.swift:2:" in out
    assert "Fine.swift" not in out.replace("2 Swift", "")


@pytest.mark.parametrize("name", ["A.swift", "B.kt", "build.gradle.kts"])
def test_the_check_covers_swift_kotlin_and_gradle_scripts(name):
    assert parse_check.language_of(Path(name)) is not None
