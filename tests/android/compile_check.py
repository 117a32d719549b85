"""Compiles all of the Android shell's Kotlin (the generated bindings, the portable kit, the Health
Connect, WorkManager and Keystore glue, and the Compose app) with the Kotlin compiler and Compose
plugin the Gradle build uses, against the Android framework of the shell's compileSdk and the
AndroidX libraries of its version catalog, with warnings as errors.

No Android SDK or Gradle is needed: the framework comes from Robolectric's `android-all` (the real
framework built for the JVM, on Maven Central), the libraries from Google's Maven repository and
Maven Central, resolved from their POMs here (the newest version asked for wins, as in Gradle), and
the compiler is run directly. Nothing is packaged or run; resources are not compiled (the shell has
none). So a name, signature or nullability that does not exist in the real APIs fails here.

Writes one JUnit test case to --junitxml: passed, failed with the compiler's messages, or skipped
when Google's Maven repository cannot be reached (the check then proves nothing, and says so).
Downloads are cached in tests/android/target.

    python3 tests/android/compile_check.py [--junitxml FILE]   (after scripts/bindings)
"""

import argparse
import os
import re
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ANDROID = ROOT / "android"
CACHE = Path(__file__).resolve().parent / "target"
GOOGLE = "https://dl.google.com/dl/android/maven2"
CENTRAL = "https://repo1.maven.org/maven2"
POM = "{http://maven.apache.org/POM/4.0.0}"

# Robolectric's build of each Android release, by API level (Maven Central,
# org.robolectric:android-all); the shell's compileSdk must have one.
ANDROID_ALL = {35: "15-robolectric-12650502", 36: "16-robolectric-13921718"}

# Catalog libraries that are not on the compile classpath of the Kotlin sources: the verifier's
# Kotlin half is reached only from native code (and is published on GitHub, not in a registry).
NOT_COMPILED = {"rustls-platform-verifier"}


def fetch(url: str) -> bytes | None:
    """The bytes at `url`, or None when the server has none (404); other failures retry twice."""
    for attempt in range(3):
        try:
            with urllib.request.urlopen(url, timeout=60) as response:
                return response.read()
        except urllib.error.HTTPError as e:
            if e.code == 404:
                return None
            if attempt == 2:
                raise
        except urllib.error.URLError:
            if attempt == 2:
                raise
        time.sleep(2)
    return None


def artifact(group: str, name: str, version: str, ext: str) -> bytes | None:
    """An artifact file from Google's Maven, else Maven Central; cached."""
    cached = CACHE / "repo" / group / name / version / f"{name}-{version}.{ext}"
    missing = cached.with_suffix(cached.suffix + ".missing")
    if cached.exists():
        return cached.read_bytes()
    if missing.exists():
        return None
    rel = f"{group.replace('.', '/')}/{name}/{version}/{name}-{version}.{ext}"
    for repo in (GOOGLE, CENTRAL):
        data = fetch(f"{repo}/{rel}")
        if data is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            cached.write_bytes(data)
            return data
    missing.parent.mkdir(parents=True, exist_ok=True)
    missing.touch()
    return None


def version_key(version: str) -> list:
    """Orders versions numerically part by part; a pre-release sorts before its release."""
    parts = re.split(r"[.-]", version)
    return [(0, int(p), "") if p.isdigit() else (-1, 0, p) for p in parts] + [(0, 0, "")]


def resolve(
    roots: list[tuple[str, str, str]], floors: dict[tuple[str, str], str] | None = None
) -> dict[tuple[str, str], str]:
    """Every library `roots` need (compile and runtime scopes), the newest version asked for of
    each, and at least its version in `floors` (a BOM's, which Gradle applies as a constraint). A
    multiplatform library stands for its Android variant (`<name>-android`) when there is one, as
    Gradle's module metadata would choose it."""
    floors = floors or {}
    chosen: dict[tuple[str, str], str] = {}
    # Versions the repositories lack: harmless when a newer one of the library wins anyway.
    missing: set[tuple[str, str, str]] = set()
    queue = list(roots)
    while queue:
        group, name, version = queue.pop()
        version = version.strip("[]()").split(",")[0]
        floor = floors.get((group, name[: -len("-android")] if name.endswith("-android") else name))
        if floor is not None and version_key(floor) > version_key(version):
            version = floor
        old = chosen.get((group, name))
        if old is not None and version_key(version) <= version_key(old):
            continue
        if not name.endswith("-android") and artifact(group, f"{name}-android", version, "pom"):
            chosen[(group, name)] = version
            queue.append((group, f"{name}-android", version))
            continue
        pom = artifact(group, name, version, "pom")
        if pom is None:
            missing.add((group, name, version))
            continue
        chosen[(group, name)] = version
        dependencies = ET.fromstring(pom).find(f"{POM}dependencies")
        for d in dependencies if dependencies is not None else []:
            scope = d.findtext(f"{POM}scope") or "compile"
            wanted = d.findtext(f"{POM}version")
            if scope not in ("compile", "runtime") or d.findtext(f"{POM}optional") == "true":
                continue
            if wanted and "$" not in wanted:
                queue.append((d.findtext(f"{POM}groupId"), d.findtext(f"{POM}artifactId"), wanted))
    for group, name, version in sorted(missing):
        if version_key(version) > version_key(chosen.get((group, name), "0")):
            raise SystemExit(f"no POM for {group}:{name}:{version} in Google's Maven or Maven Central")
    return chosen


def jars(chosen: dict[tuple[str, str], str]) -> list[Path]:
    """The class jars of the resolved libraries (an AAR's classes.jar, extracted once)."""
    variants = {(g, n[: -len("-android")]) for (g, n) in chosen if n.endswith("-android")}
    out = []
    for (group, name), version in sorted(chosen.items()):
        if (group, name) in variants:
            continue  # stands for its Android variant, resolved beside it
        target = CACHE / "classes" / f"{group}_{name}_{version}.jar"
        if not target.exists():
            aar = artifact(group, name, version, "aar")
            target.parent.mkdir(parents=True, exist_ok=True)
            if aar is not None:
                archive = CACHE / "classes" / "unpack.aar"
                archive.write_bytes(aar)
                with zipfile.ZipFile(archive) as z:
                    if "classes.jar" not in z.namelist():
                        continue
                    target.write_bytes(z.read("classes.jar"))
            else:
                jar = artifact(group, name, version, "jar")
                if jar is None:
                    raise SystemExit(f"no AAR or JAR for {group}:{name}:{version}")
                target.write_bytes(jar)
        out.append(target)
    return out


def catalog_roots() -> tuple[list[tuple[str, str, str]], dict[tuple[str, str], str], str]:
    """The catalog's libraries as coordinates (a Compose library without a version takes the
    Compose BOM's), the BOM's versions, and the catalog's Kotlin version."""
    catalog = tomllib.loads((ANDROID / "gradle" / "libs.versions.toml").read_text())
    versions = catalog["versions"]
    libraries = catalog["libraries"]
    bom_group, bom_name = libraries["compose-bom"]["module"].split(":")
    bom_version = versions[libraries["compose-bom"]["version"]["ref"]]
    bom = ET.fromstring(artifact(bom_group, bom_name, bom_version, "pom") or b"<x/>")
    managed = {
        (d.findtext(f"{POM}groupId"), d.findtext(f"{POM}artifactId")): d.findtext(f"{POM}version")
        for d in bom.iter(f"{POM}dependency")
    }
    roots = []
    for alias, lib in libraries.items():
        if alias in NOT_COMPILED or alias == "compose-bom":
            continue
        group, name = lib["module"].split(":")
        ref = lib.get("version", {}).get("ref") if isinstance(lib.get("version"), dict) else None
        version = versions[ref] if ref else managed.get((group, name))
        if version is None:
            raise SystemExit(f"catalog library {alias} has no version, and the Compose BOM none")
        roots.append((group, name, version))
    return roots, managed, versions["kotlin"]


def compile_sdk() -> int:
    """The compileSdk both modules build against (they must agree)."""
    found = {
        int(m.group(1))
        for f in ("app", "alyze")
        for m in re.finditer(r"compileSdk\s*=\s*(\d+)", (ANDROID / f / "build.gradle.kts").read_text())
    }
    if len(found) != 1:
        raise SystemExit(f"the modules' compileSdk differ: {sorted(found)}")
    return found.pop()


def check() -> tuple[str, str]:
    """Runs the check: ("passed" | "failed" | "skipped", message)."""
    if fetch(f"{GOOGLE}/androidx/annotation/annotation/maven-metadata.xml") is None:
        return "skipped", "Google's Maven repository cannot be reached"
    roots, bom, kotlin = catalog_roots()
    # The Kotlin standard library is the compiler's own, as in the Gradle build.
    libraries = [j for j in jars(resolve(roots, bom)) if not j.name.startswith("org.jetbrains.kotlin_")]
    sdk = compile_sdk()
    if sdk not in ANDROID_ALL:
        raise SystemExit(f"no android-all known for compileSdk {sdk}: add it to ANDROID_ALL")
    framework = jars({("org.robolectric", "android-all"): ANDROID_ALL[sdk]})
    compiler = jars(resolve([
        ("org.jetbrains.kotlin", "kotlin-compiler-embeddable", kotlin),
        ("org.jetbrains.kotlin", "kotlin-compose-compiler-plugin-embeddable", kotlin),
    ]))
    stdlib = [j for j in compiler if j.name.startswith(f"org.jetbrains.kotlin_kotlin-stdlib_{kotlin}")]
    plugin = [j for j in compiler if "kotlin-compose-compiler-plugin" in j.name]
    generated = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "bindings" / "kotlin"
    if not generated.is_dir():
        raise SystemExit(f"no generated bindings in {generated}: run scripts/bindings first")
    out = CACHE / "classes-out"
    command = [
        "java", "-cp", ":".join(map(str, compiler)),
        "org.jetbrains.kotlin.cli.jvm.K2JVMCompiler",
        "-no-stdlib", "-no-reflect", "-jvm-target", "17", "-Werror",
        f"-Xplugin={plugin[0]}",
        "-classpath", ":".join(map(str, framework + libraries + stdlib)),
        "-d", str(out),
        str(generated),
        str(ANDROID / "alyze" / "src" / "portable" / "kotlin"),
        str(ANDROID / "alyze" / "src" / "main" / "kotlin"),
        str(ANDROID / "app" / "src" / "main" / "kotlin"),
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    messages = (result.stdout + result.stderr).strip()
    if result.returncode != 0:
        return "failed", messages
    return "passed", f"Kotlin {kotlin}, Android API {sdk}, {len(libraries)} libraries"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--junitxml", type=Path)
    args = parser.parse_args()
    started = time.monotonic()
    outcome, message = check()
    print(f"{outcome}: {message}")
    if args.junitxml:
        suite = ET.Element("testsuite", name="android compile", tests="1",
                           failures="1" if outcome == "failed" else "0",
                           skipped="1" if outcome == "skipped" else "0", errors="0")
        case = ET.SubElement(suite, "testcase", name="the Android app compiles against its APIs",
                             time=f"{time.monotonic() - started:.1f}")
        if outcome != "passed":
            ET.SubElement(case, "failure" if outcome == "failed" else "skipped", message=message[:2000])
        ET.ElementTree(suite).write(args.junitxml)
    return 1 if outcome == "failed" else 0


if __name__ == "__main__":
    sys.exit(main())
