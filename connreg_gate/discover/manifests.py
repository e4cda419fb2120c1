"""Direct dependencies declared in manifests: (ecosystem, name, line, dev_only).

Lock files are never read (they list transitive packages). Parsers are forgiving:
a manifest we cannot parse yields what the line-based fallback finds, never a crash.
"""
from __future__ import annotations

import json
import posixpath
import re
from typing import Callable, Iterator, NamedTuple

from connreg_gate import regex_cache
from connreg_gate.discover.classify import is_requirements_file


class Dependency(NamedTuple):
    ecosystem: str
    name: str
    line: int
    dev: bool


def _line_of(text: str, needle: str, start: int = 0) -> int:
    idx = text.find(needle, start)
    if idx < 0:
        idx = text.lower().find(needle.lower(), start)
    return text.count("\n", 0, idx) + 1 if idx >= 0 else 1


# a requirement: a name, its extras, then a version, marker, URL, option, comment or the
# line's end; not a line of prose ("Redis is required" in a requirements/README.txt)
_REQ_LINE = regex_cache.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?\s*(?:[<>=!~;@#(\\-]|$)")
_DEV_WORDS = ("dev", "test", "lint", "doc", "ci", "typing", "mypy", "format", "bench")


def _dev_name(name: str) -> bool:
    lower = name.lower()
    return any(w in lower for w in _DEV_WORDS)


def _with_extras(name: str, extras: str | None) -> list[str]:
    """A requirement's name, and for each extra it asks for the extra alone and joined to
    the name: `dramatiq[redis]` installs Redis's client (`redis`, `dramatiq-redis`),
    `sqlalchemy[pymysql]` PyMySQL, `django-storages[s3]` boto3 for S3."""
    names = [name]
    for extra in (extras or "").split(","):
        extra = extra.strip()
        if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", extra):
            names += [extra, f"{name}-{extra}"]
    return names


_VIA = regex_cache.compile(r"^\s*#\s+via\b\s*(.*)$")
_VIA_MORE = regex_cache.compile(r"^\s*#\s{2,}(\S.*)$")


def _asked_for(via: list[str]) -> bool:
    """Whether a compiled pin's `# via` sources include a file of the project's own
    (`-r requirements.in`, `feast (pyproject.toml)`), not only other packages."""
    return not via or any(v.startswith(("-r", "-c")) or "(" in v or "/" in v or v.endswith((".in", ".txt", ".toml"))
                          for v in via)


def requirements(path: str, text: str) -> Iterator[Dependency]:
    """A pip requirements file. One that pip-compile or `uv pip compile` wrote pins every
    transitive dependency with a `# via` note saying what pulled it in: only the pins a
    project file asked for count (Feast's lock of sse-starlette `# via mcp` is mcp's)."""
    dev = _dev_name(posixpath.basename(path).replace("requirements", ""))
    pins: list[tuple[int, str, str | None, list[str]]] = []
    compiled = False
    for i, line in enumerate(text.splitlines(), 1):
        via = _VIA.match(line)
        if via:
            compiled = True
            if pins and via.group(1):
                pins[-1][3].append(via.group(1).strip())
            continue
        more = _VIA_MORE.match(line) if compiled else None
        if more:
            if pins:
                pins[-1][3].append(more.group(1).strip())
            continue
        stripped = line.split("#", 1)[0].strip()
        if not stripped or stripped.startswith("-"):
            continue
        m = _REQ_LINE.match(stripped)
        if m:
            # older pip-compile notes the source on the pin's own line: `amqp==2.5.2  # via kombu`
            inline = _VIA.match("#" + line.split("#", 1)[1]) if "#" in line else None
            compiled = compiled or bool(inline)
            pins.append((i, m.group(1), m.group(2),
                         [v.strip() for v in inline.group(1).split(",") if v.strip()] if inline else []))
    for i, name, extras, via in pins:
        if compiled and not _asked_for(via):
            continue
        for each in _with_extras(name, extras):
            yield Dependency("pypi", each, i, dev)


def _pep508_names(spec: str) -> list[str]:
    m = _REQ_LINE.match(spec.strip())
    return _with_extras(m.group(1), m.group(2)) if m else []


def _toml(text: str) -> dict:  # type: ignore[type-arg]
    try:
        import tomllib
    except ImportError:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        return tomllib.loads(text)
    except Exception:
        return {}


def pyproject(path: str, text: str) -> Iterator[Dependency]:
    doc = _toml(text)
    project = doc.get("project", {}) if isinstance(doc.get("project"), dict) else {}
    found: list[tuple[str, bool, str]] = []  # name, dev only, the text to find its line by
    for spec in project.get("dependencies", []) or []:
        if isinstance(spec, str):
            found += [(n, False, spec) for n in _pep508_names(spec)]
    for group, specs in (project.get("optional-dependencies") or {}).items():
        for spec in specs or []:
            if isinstance(spec, str):
                found += [(n, _dev_name(group), spec) for n in _pep508_names(spec)]
    for group, specs in (doc.get("dependency-groups") or {}).items():
        for spec in specs or []:
            if isinstance(spec, str):
                found += [(n, True, spec) for n in _pep508_names(spec)]
    poetry = doc.get("tool", {}).get("poetry", {}) if isinstance(doc.get("tool"), dict) else {}
    for name in poetry.get("dependencies", {}) or {}:
        if name.lower() != "python":
            found.append((name, False, name))
    for name in poetry.get("dev-dependencies", {}) or {}:
        found.append((name, True, name))
    for group, body in (poetry.get("group") or {}).items():
        for name in (body or {}).get("dependencies", {}) or {}:
            found.append((name, _dev_name(group) or group != "main", name))
    for name, dev, needle in found:
        yield Dependency("pypi", name, _line_of(text, needle), dev)


def pipfile(path: str, text: str) -> Iterator[Dependency]:
    doc = _toml(text)
    for section, dev in (("packages", False), ("dev-packages", True)):
        for name in doc.get(section, {}) or {}:
            yield Dependency("pypi", name, _line_of(text, name, text.find(f"[{section}]")), dev)


def setupcfg(path: str, text: str) -> Iterator[Dependency]:
    in_block = False
    for i, line in enumerate(text.splitlines(), 1):
        if re.match(r"^\s*install_requires\s*=", line):
            in_block = True
            rest = line.split("=", 1)[1].strip()
            for n in _pep508_names(rest) if rest else ():
                yield Dependency("pypi", n, i, False)
            continue
        if in_block:
            if line and not line[0].isspace():
                in_block = False
                continue
            for n in _pep508_names(line) if line.strip() else ():
                yield Dependency("pypi", n, i, False)


def _json_deps(text: str, ecosystem: str, sections: dict[str, bool]) -> Iterator[Dependency]:
    try:
        doc = json.loads(text)
    except ValueError:
        return
    if not isinstance(doc, dict):
        return
    own = doc.get("name")
    if isinstance(own, str) and own:
        # the package itself, as a Go module's own path and a gemspec's name: a client
        # library is its service's own client (connect-redis, @socket.io/redis-adapter)
        yield Dependency(ecosystem, own, _line_of(text, '"name"', 0), False)
    for section, dev in sections.items():
        deps = doc.get(section)
        if not isinstance(deps, dict):
            continue
        start = text.find(f'"{section}"')
        for name in deps:
            yield Dependency(ecosystem, name, _line_of(text, f'"{name}"', max(start, 0)), dev)


def package_json(path: str, text: str) -> Iterator[Dependency]:
    yield from _json_deps(text, "npm", {
        "dependencies": False, "peerDependencies": False, "optionalDependencies": False, "devDependencies": True,
    })


def composer_json(path: str, text: str) -> Iterator[Dependency]:
    yield from _json_deps(text, "composer", {"require": False, "require-dev": True})


_GO_REQ = regex_cache.compile(r"^\s*(?:require\s+)?([A-Za-z0-9][\w.\-/~]*\.[\w.\-/~]+)\s+v[\w.\-+]+(\s*//\s*indirect)?")


_GO_MODULE = regex_cache.compile(r"^\s*module\s+\"?([A-Za-z0-9][\w.\-/~]*\.[\w.\-/~]+)\"?\s*(?://.*)?$")


def go_mod(path: str, text: str) -> Iterator[Dependency]:
    in_req = False
    for i, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if s.startswith("module "):
            # the module itself: a client library is the service's own client (RabbitMQ's
            # github.com/rabbitmq/amqp091-go), whatever imports it
            m = _GO_MODULE.match(s)
            if m:
                yield Dependency("go", m.group(1), i, False)
            continue
        if s.startswith("require ("):
            in_req = True
            continue
        if in_req and s == ")":
            in_req = False
            continue
        if in_req or s.startswith("require "):
            m = _GO_REQ.match(s)
            if m and not m.group(2):
                yield Dependency("go", m.group(1), i, False)


_GEM = regex_cache.compile(r"""^\s*gem\s*\(?\s*['"]([\w.\-]+)['"](.*)$""")
_GROUP = regex_cache.compile(r"^\s*group\s+(.*?)\s+do\b")


def gemfile(path: str, text: str) -> Iterator[Dependency]:
    stack: list[bool] = []
    for i, line in enumerate(text.splitlines(), 1):
        code = line.split("#", 1)[0]
        if g := _GROUP.match(code):
            stack.append(not re.search(r":(?:production|default)\b", g.group(1)) and bool(re.search(r":(?:development|test)\b", g.group(1))))
            continue
        if re.match(r"^\s*end\b", code) and stack:
            stack.pop()
            continue
        if re.search(r"\bdo\s*(\|.*\|)?\s*$", code):
            stack.append(any(stack))
        if m := _GEM.match(code):
            dev = any(stack) or bool(re.search(r"group:\s*\[?\s*:(?:development|test)", m.group(2)))
            yield Dependency("gem", m.group(1), i, dev)


_GEM_NAME = regex_cache.compile(r"""^\s*\w+\.name\s*=\s*['"]([\w.\-]+)['"]""")
_GEM_VERSION_CHECK = regex_cache.compile(
    r"if\s+(?:\w+\.respond_to\?\s*:(?:add_runtime_dependency|specification_version)\b"
    r"|Gem::Version\.new\(\s*Gem::VERSION\s*\)\s*>=)")


def gemspec(path: str, text: str) -> Iterator[Dependency]:
    """A gem's own spec; an installed gem's spec as RubyGems writes it names each gem as
    a percent literal: s.add_runtime_dependency(%q<redis>.freeze, ["~> 4.0"])."""
    # Such a spec also repeats every dependency, development ones included, as a plain
    # add_dependency in the `else` of a check for RubyGems too old to tell them apart:
    # `if s.respond_to? :add_runtime_dependency`, or in older specs `if
    # Gem::Version.new(Gem::VERSION) >= Gem::Version.new('1.2.0')` nested in `if
    # s.respond_to? :specification_version` (after_commit_queue's). Those branches are
    # skipped, at any depth.
    checks: list[bool] = []  # for each open check, whether its `else` branch is being read
    for i, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if _GEM_VERSION_CHECK.match(stripped):
            checks.append(False)
            continue
        if checks and stripped == "else":
            checks[-1] = True
            continue
        if checks and stripped == "end":
            checks.pop()
            continue
        if any(checks):
            continue
        own = _GEM_NAME.match(line)
        if own:
            # the gem itself, as a Go module's own path: a client library is its
            # service's own client (em-redis speaks Redis's protocol, requiring no gem)
            yield Dependency("gem", own.group(1), i, False)
            continue
        m = re.match(r"""^\s*\w+\.add_(runtime_|development_)?dependency\s*\(?\s*(?:['"]([\w.\-]+)['"]|%q<([\w.\-]+)>)""",
                     line)
        if m:
            yield Dependency("gem", m.group(2) or m.group(3), i, m.group(1) == "development_")


_POM_DEP = regex_cache.compile(r"<dependency>(.*?)</dependency>", re.DOTALL)


# Sections whose <dependency> entries the build does not bring in: <dependencyManagement>
# only pins versions for modules that ask (a parent POM or BOM lists everything), and a
# <plugin>'s dependencies run in the build tool.
_POM_NOT_DEPENDENCIES = regex_cache.compile(r"<dependencyManagement>.*?</dependencyManagement>|<plugin>.*?</plugin>", re.DOTALL)


def pom_xml(path: str, text: str) -> Iterator[Dependency]:
    text = re.sub(r"<!--.*?-->", lambda c: re.sub(r"[^\n]", " ", c.group(0)), text, flags=re.DOTALL)
    excluded = [(m.start(), m.end()) for m in _POM_NOT_DEPENDENCIES.finditer(text)]
    for m in _POM_DEP.finditer(text):
        if any(start <= m.start() < end for start, end in excluded):
            continue
        body = m.group(1)
        g = re.search(r"<groupId>\s*([^<\s]+)\s*</groupId>", body)
        a = re.search(r"<artifactId>\s*([^<\s]+)\s*</artifactId>", body)
        if not (g and a):
            continue
        scope = re.search(r"<scope>\s*(\w+)\s*</scope>", body)
        line = text.count("\n", 0, m.start() + body.find("<artifactId>")) + 1
        yield Dependency("maven", f"{g.group(1)}:{a.group(1)}", line, bool(scope and scope.group(1) == "test"))


_GRADLE = regex_cache.compile(
    r"""^\s*(\w+)\s*\(?\s*(?:platform\s*\(\s*)?['"]([\w.\-]+):([\w.\-]+)(?::[^'"]*)?['"]""")
_GRADLE_MAP = regex_cache.compile(r"""^\s*(\w+)\s*\(?\s*group\s*[:=]\s*['"]([\w.\-]+)['"]\s*,\s*name\s*[:=]\s*['"]([\w.\-]+)['"]""")


def gradle(path: str, text: str) -> Iterator[Dependency]:
    for i, line in enumerate(text.splitlines(), 1):
        m = _GRADLE.match(line) or _GRADLE_MAP.match(line)
        if m and m.group(1) not in ("id", "classpath", "plugin"):
            conf = m.group(1).lower()
            yield Dependency("maven", f"{m.group(2)}:{m.group(3)}", i, conf.startswith("test") or "test" in conf)


_CSPROJ = regex_cache.compile(r"""<Package(?:Reference|Version)\s+(?:[^>]*?\s)?Include\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


def csproj(path: str, text: str) -> Iterator[Dependency]:
    is_test = bool(re.search(r"<IsTestProject>\s*true", text, re.IGNORECASE)) or "test" in posixpath.basename(path).lower()
    for m in _CSPROJ.finditer(text):
        yield Dependency("nuget", m.group(1), text.count("\n", 0, m.start()) + 1, is_test)


# Manifest file name -> parser. Names that vary (requirements-dev.txt, *.csproj) are
# matched by the prefix/suffix rules in `parser_for`.
PARSERS: dict[str, Callable[[str, str], Iterator[Dependency]]] = {
    "pyproject.toml": pyproject, "Pipfile": pipfile, "setup.cfg": setupcfg, "package.json": package_json,
    "composer.json": composer_json, "go.mod": go_mod, "Gemfile": gemfile, "pom.xml": pom_xml,
    "build.gradle.kts": gradle, "Directory.Packages.props": csproj,
}


def parser_for(path: str) -> Callable[[str, str], Iterator[Dependency]] | None:
    name = posixpath.basename(path)
    if name in PARSERS:
        return PARSERS[name]
    if is_requirements_file(path):
        return requirements
    if name.endswith(".gemspec"):
        return gemspec
    if name.endswith(".csproj"):
        return csproj
    # build.gradle, and a Gradle script a build applies beside it: NativeScript's
    # include.gradle, Cordova's build-extras.gradle, a plugin's own dependencies file
    if name.endswith(".gradle"):
        return gradle
    return None


def parse(path: str, text: str) -> Iterator[Dependency]:
    parser = parser_for(path)
    if parser is not None:
        yield from parser(path, text)
