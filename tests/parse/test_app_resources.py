"""Checks of the apps' resources, which no build here looks at (there is no Android SDK or Xcode):
every Android XML file parses; every resource the app's manifest and resources refer to exists,
on every phone the app runs on (not only at night, say); and the iOS app icon is the 1024 px RGB
PNG without alpha that its asset catalog names. Each check is also run on a broken copy: a check
that never fails would prove nothing."""

import json
import re
import struct
import subprocess
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "android/app/src/main"
CATALOG = ROOT / "ios/App/Resources/Assets.xcassets"
PROJECT = ROOT / "ios/project.yml"

# The kinds of reference checked. `@android:...` (the framework's) has a package before the kind,
# so it does not match.
REFERENCE = re.compile(r"@(drawable|mipmap|color|style|string)/([A-Za-z0-9_.]+)")
FILE_RESOURCE_SUFFIXES = {"xml", "png", "9.png", "webp"}
# Folder qualifiers that never hide a resource: densities (Android scales from the nearest).
DENSITY = re.compile(r"(?:l|m|h|xh|xxh|xxxh|no|tv|any|\d+)dpi")
# The app's minSdk: resources in folders of that API level or below exist on every phone it runs on.
GRADLE = (ROOT / "android/app/build.gradle.kts").read_text(encoding="utf-8")
MIN_SDK = int(re.search(r"\bminSdk = (\d+)", GRADLE).group(1))
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def android_xml_files(root: Path) -> list[Path]:
    """The XML files under android/: tracked, or new and not ignored (no build outputs)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z", "--", "android"],
        cwd=root,
        check=True,
        capture_output=True,
    ).stdout.decode()
    return sorted(root / name for name in listed.split("\0") if name.endswith(".xml"))


def xml_syntax_errors(paths: list[Path], root: Path) -> list[str]:
    """`file: error` for each file that is not well-formed XML."""
    errors = []
    for path in paths:
        try:
            ET.parse(path)
        except ET.ParseError as e:
            errors.append(f"{path.relative_to(root)}: {e}")
    return errors


def conditions(folder: str, min_sdk: int) -> set[str]:
    """The qualifiers of a res folder that limit when its resources exist (`night`, `v31`, ...):
    all but densities and API levels that every phone the app runs on has."""
    return {
        q
        for q in folder.split("-")[1:]
        if not DENSITY.fullmatch(q) and not (re.fullmatch(r"v\d+", q) and int(q[1:]) <= min_sdk)
    }


def app_resources(res: Path) -> dict[tuple[str, str], list[str]]:
    """The folders holding each resource (kind, name) of `res`: as a file
    res/<kind>[-qualifiers]/<name>.<suffix>, or as a named element of res/values[-qualifiers]/*.xml
    (`<color name=...>`, or `<item type=... name=...>`)."""
    found: dict[tuple[str, str], list[str]] = {}
    for folder in sorted(d for d in res.iterdir() if d.is_dir()):
        kind = folder.name.split("-")[0]
        for path in sorted(p for p in folder.iterdir() if p.is_file()):
            if kind == "values" and path.suffix == ".xml":
                for element in ET.parse(path).getroot():
                    if element.get("name"):
                        key = (element.get("type", element.tag), element.get("name"))
                        found.setdefault(key, []).append(folder.name)
            elif kind != "values":
                name, _, suffix = path.name.partition(".")
                if suffix in FILE_RESOURCE_SUFFIXES:
                    found.setdefault((kind, name), []).append(folder.name)
    return found


def references(path: Path) -> list[tuple[str, str]]:
    """(kind, name) of each `@kind/name` in the file's attributes and text (comments are not read),
    and of each style's parent given without `@style/` unless it is the framework's."""
    found = []
    for element in ET.parse(path).getroot().iter():
        for value in [*element.attrib.values(), element.text or ""]:
            found.extend(REFERENCE.findall(value))
        parent = element.get("parent", "")
        if element.tag == "style" and parent and not parent.startswith(("@", "android:")):
            found.append(("style", parent))
    return found


def unresolved_references(main: Path, root: Path, min_sdk: int) -> tuple[list[str], int]:
    """`file: @kind/name ...` for each reference in main/AndroidManifest.xml and
    main/res/**/*.xml that names no resource of main/res, or one that exists only under qualifiers
    the referring file's folder does not have (a style only in values-night, used from values or
    the manifest); and how many references were checked."""
    res = main / "res"
    known = app_resources(res) if res.is_dir() else {}
    problems = []
    checked = 0
    for path in [main / "AndroidManifest.xml", *sorted(res.rglob("*.xml"))]:
        where = conditions(path.parent.name, min_sdk) if path.parent.parent == res else set()
        for kind, name in references(path):
            checked += 1
            folders = known.get((kind, name), [])
            if not any(conditions(folder, min_sdk) <= where for folder in folders):
                shown = path.relative_to(root)
                only = f"only in {', '.join(folders)}" if folders else "not a resource of the app"
                problems.append(f"{shown}: @{kind}/{name} is {only}")
    return problems, checked


def png_problems(data: bytes) -> list[str]:
    """What keeps `data` from being an App Store icon: not a whole PNG (each chunk's CRC, IHDR
    first, IEND last), not 1024x1024, or not RGB without alpha (colour type 2, no tRNS)."""
    if not data.startswith(PNG_SIGNATURE):
        return ["not a PNG"]
    chunks = []
    at = len(PNG_SIGNATURE)
    while at < len(data):
        end = at + 12 + int.from_bytes(data[at : at + 4], "big")  # length, kind, body, CRC
        kind, body, crc = data[at + 4 : at + 8], data[at + 8 : end - 4], data[end - 4 : end]
        if end > len(data) or crc != struct.pack(">I", zlib.crc32(kind + body)):
            return [f"chunk {kind!r} is cut off or its CRC is wrong"]
        chunks.append((kind, body))
        at = end
    if not chunks or chunks[0][0] != b"IHDR" or chunks[-1][0] != b"IEND":
        return ["the PNG does not start with IHDR and end with IEND"]
    width, height, depth, colour_type = struct.unpack(">IIBB", chunks[0][1][:10])
    problems = []
    if (width, height) != (1024, 1024):
        problems.append(f"{width}x{height}, not 1024x1024")
    if colour_type != 2:
        problems.append(f"colour type {colour_type}, not 2 (RGB without alpha)")
    if any(kind == b"tRNS" for kind, _ in chunks):
        problems.append("a tRNS chunk makes a colour transparent")
    return problems


def app_icon_problems(icon_set: Path) -> list[str]:
    """Problems of an .appiconset: Contents.json does not parse or names no image, or an image it
    names is missing or is not a 1024 px RGB PNG without alpha."""
    try:
        contents = json.loads((icon_set / "Contents.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        return [f"{icon_set.name}/Contents.json: {e}"]
    names = [image["filename"] for image in contents.get("images", []) if "filename" in image]
    if not names:
        return [f"{icon_set.name}/Contents.json names no image"]
    problems = []
    for name in names:
        path = icon_set / name
        if not path.is_file():
            problems.append(f"{icon_set.name}/{name} is missing")
        else:
            problems.extend(f"{icon_set.name}/{name}: {p}" for p in png_problems(path.read_bytes()))
    return problems


def test_every_android_xml_file_parses():
    paths = android_xml_files(ROOT)
    assert APP / "AndroidManifest.xml" in paths
    errors = xml_syntax_errors(paths, ROOT)
    assert not errors, "\n".join(errors)


def test_every_resource_the_app_refers_to_is_its_own():
    problems, checked = unresolved_references(APP, ROOT, MIN_SDK)
    assert not problems, "\n".join(problems)
    assert checked, "no @drawable, @mipmap, @color, @style or @string reference found"


def test_the_ios_app_icon_is_a_1024_px_rgb_png_named_by_its_catalog():
    json.loads((CATALOG / "Contents.json").read_text(encoding="utf-8"))
    problems = app_icon_problems(CATALOG / "AppIcon.appiconset")
    assert not problems, "\n".join(problems)


def test_the_ios_project_builds_the_catalog_and_uses_its_icon():
    spec = PROJECT.read_text(encoding="utf-8")
    assert re.search(r"(?m)^\s+- App/Resources\s*$", spec), "App/Resources is not among the sources"
    icon = re.search(r"(?m)^\s+ASSETCATALOG_COMPILER_APPICON_NAME:\s*(\S+)\s*$", spec)
    assert icon, "ASSETCATALOG_COMPILER_APPICON_NAME is not set"
    assert (CATALOG / f"{icon.group(1)}.appiconset").is_dir(), icon.group(1)


def test_a_file_that_is_not_xml_is_named(tmp_path):
    good, bad = tmp_path / "good.xml", tmp_path / "colors.xml"
    good.write_text("<resources />\n")
    bad.write_text('<resources>\n    <color name="a">#000000</colour>\n</resources>\n')
    errors = xml_syntax_errors([good, bad], tmp_path)
    assert len(errors) == 1 and errors[0].startswith("colors.xml: mismatched tag: line 2"), errors


def test_a_reference_to_a_missing_resource_is_reported(tmp_path):
    main = tmp_path / "main"
    folders = ["values", "values-night", "mipmap-anydpi-v26", "drawable-xxhdpi", "drawable-v31"]
    for folder in folders:
        (main / "res" / folder).mkdir(parents=True)
    android = 'xmlns:android="http://schemas.android.com/apk/res/android"'
    (main / "AndroidManifest.xml").write_text(
        f"<manifest {android}>\n"
        "    <!-- @drawable/in_a_comment is not a reference -->\n"
        '    <application android:icon="@mipmap/ic_launcher" android:label="@string/app_name"\n'
        '        android:roundIcon="@android:mipmap/sym_def_app_icon"\n'
        '        android:theme="@style/Theme.A" />\n'
        "</manifest>\n"
    )
    (main / "res/mipmap-anydpi-v26/ic_launcher.xml").write_text(
        f"<adaptive-icon {android}>\n"
        '    <background android:drawable="@color/background" />\n'
        '    <foreground android:drawable="@drawable/foreground" />\n'
        '    <monochrome android:drawable="@drawable/late" />\n'
        "</adaptive-icon>\n"
    )
    (main / "res/drawable-xxhdpi/foreground.png").write_bytes(PNG_SIGNATURE)
    (main / "res/drawable-v31/late.xml").write_text(f"<vector {android} />\n")
    (main / "res/values/values.xml").write_text(
        "<resources>\n"
        '    <color name="background">#0F3D3E</color>\n'
        '    <style name="Theme.A" parent="Theme.Base" />\n'
        '    <style name="Theme.B" parent="android:Theme.Material" />\n'
        '    <item name="ring" type="color">#7BE0AD</item>\n'
        '    <style name="Theme.C"><item name="android:colorAccent">@color/ring</item></style>\n'
        '    <style name="Theme.D">\n'
        '        <item name="android:windowBackground">@color/gone</item>\n'
        '        <item name="android:colorPrimary">@color/dusk</item>\n'
        "    </style>\n"
        "</resources>\n"
    )
    (main / "res/values-night/values.xml").write_text(
        "<resources>\n"
        '    <color name="dusk">#000000</color>\n'
        '    <style name="Theme.N"><item name="android:colorPrimary">@color/dusk</item></style>\n'
        "</resources>\n"
    )
    problems, checked = unresolved_references(main, tmp_path, min_sdk=29)
    assert problems == [
        "main/AndroidManifest.xml: @string/app_name is not a resource of the app",
        "main/res/mipmap-anydpi-v26/ic_launcher.xml: @drawable/late is only in drawable-v31",
        "main/res/values/values.xml: @style/Theme.Base is not a resource of the app",
        "main/res/values/values.xml: @color/gone is not a resource of the app",
        "main/res/values/values.xml: @color/dusk is only in values-night",
    ], problems
    assert checked == 11
    # Below API 26 the adaptive icon would be missing.
    problems, _ = unresolved_references(main, tmp_path, min_sdk=25)
    assert "main/AndroidManifest.xml: @mipmap/ic_launcher is only in mipmap-anydpi-v26" in problems


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def tiny_png(width: int, height: int, colour_type: int, extra: bytes = b"") -> bytes:
    """A PNG's chunks as the check reads them (the pixel data is not looked at)."""
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0))
    return PNG_SIGNATURE + header + extra + png_chunk(b"IDAT", b"") + png_chunk(b"IEND", b"")


def test_an_icon_that_the_app_store_would_refuse_is_reported(tmp_path):
    icon_set = tmp_path / "AppIcon.appiconset"
    icon_set.mkdir()
    image = {"filename": "AppIcon.png", "idiom": "universal", "platform": "ios"}
    (icon_set / "Contents.json").write_text(json.dumps({"images": [image]}))
    assert app_icon_problems(icon_set) == ["AppIcon.appiconset/AppIcon.png is missing"]

    (icon_set / "AppIcon.png").write_bytes(tiny_png(1024, 1024, 2))
    assert app_icon_problems(icon_set) == []
    (icon_set / "AppIcon.png").write_bytes(tiny_png(1024, 1024, 6))
    assert app_icon_problems(icon_set) == [
        "AppIcon.appiconset/AppIcon.png: colour type 6, not 2 (RGB without alpha)"
    ]
    (icon_set / "AppIcon.png").write_bytes(tiny_png(512, 512, 2))
    assert app_icon_problems(icon_set) == ["AppIcon.appiconset/AppIcon.png: 512x512, not 1024x1024"]
    transparent = png_chunk(b"tRNS", bytes(6))
    (icon_set / "AppIcon.png").write_bytes(tiny_png(1024, 1024, 2, transparent))
    assert app_icon_problems(icon_set) == [
        "AppIcon.appiconset/AppIcon.png: a tRNS chunk makes a colour transparent"
    ]
    (icon_set / "AppIcon.png").write_bytes(tiny_png(1024, 1024, 2)[:-6])
    assert "cut off" in app_icon_problems(icon_set)[0]

    (icon_set / "Contents.json").write_text('{"images": [')
    assert app_icon_problems(icon_set)[0].startswith("AppIcon.appiconset/Contents.json: ")
