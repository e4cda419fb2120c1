"""Decide, from its path, what a file is: which rules apply, or why it is skipped."""
from __future__ import annotations

import functools
import os
import posixpath
import re
from collections.abc import Iterable
from pathlib import Path

from connreg_gate import regex_cache

# Directories whose contents are someone else's code or build output.
VENDOR_DIRS = frozenset({
    "node_modules", "Godeps", "bower_components", "jspm_packages",
    ".venv", "venv", "site-packages", "Pods", "Carthage", ".bundle",
})
# Matched in any case: LDAP Account Manager keeps its Composer tree in lib/3rdParty/, and
# .NET and Java projects write ThirdParty/ or Vendor/.
VENDOR_DIRS_ANY_CASE = frozenset({
    "vendor", "vendors", "third_party", "third-party", "thirdparty", "3rdparty", "3rd_party", "3rd-party",
    # old copies of general libraries kept under a package: gsutil's gslib/vendored/boto
    # (every AWS service's client, of which it uses S3's), botocore's vendored/requests.
    # Not _vendor/: dspy and Portkey ship there the LLM client that is their own layer
    # (dspy/_vendor/lm15, portkey_ai/_vendor/openai), and its connections are theirs.
    "vendored",
})
# Libraries copied whole into an app's own tree, outside any vendor directory, known by
# their path (as GitHub Linguist's vendor list does): CakePHP 2's core in lib/Cake
# (ZoneMinder's API), WordPress's SimplePie feed library.
BUNDLED_LIBRARY_DIRS = ("lib/Cake", "wp-includes/SimplePie")
# Libraries shipped as one file and copied in whole: Bottle's bottle.py (pypiserver keeps
# it in bottle_wrapper/, with server adapters for every WSGI and Socket.IO server).
BUNDLED_LIBRARY_FILES = frozenset({"bottle.py"})
# A web app's front-end libraries, copied into its static assets: OmniDB's
# static/OmniDB_app/lib/ (Ace's editor modes, Cytoscape's layouts), OctoPrint's
# static/js/lib/. Only below a static/ directory: a package's own lib/ is its code.
STATIC_LIBRARY_DIRS = frozenset({"lib", "libs"})
GENERATED_DIRS = frozenset({
    "dist", "build", "out", ".next", "_next", ".nuxt", ".svelte-kit", ".output", "coverage", "target", "bin", "obj",
    "__pycache__", ".mypy_cache", ".pytest_cache", ".tox", ".nox", ".gradle", ".terraform", ".cache",
    ".git", ".hg", ".svn", ".idea", ".vscode", ".turbo", ".parcel-cache", "storybook-static",
})
LOCK_FILES = frozenset({
    "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "bun.lockb", "bun.lock", "npm-shrinkwrap.json",
    "poetry.lock", "Pipfile.lock", "pdm.lock", "uv.lock", "Gemfile.lock", "composer.lock", "go.sum",
    "Cargo.lock", "packages.lock.json", "gradle.lockfile", "mix.lock", "flake.lock",
})
# Files that tools write into a source tree: Mock Service Worker's script in public/.
GENERATED_FILES = frozenset({"mockServiceWorker.js"})
# Bundler output named by content hash: Vite's admin-C8SlpZhy.js or queues-GsAOOXPm.js,
# webpack's 5477-18323501c445315e.js or main.3f9a1c2b.css. An 8-character hash is hex
# with a letter and a digit, or base64url with a capital and a digit or with three
# capitals and a small letter, so file-s3upload.js, api-v2client.js and
# app-Settings.js stay source.
_BUNDLE_EXTS = (".js", ".mjs", ".cjs", ".css")
_HASHED_BUNDLE_RE = regex_cache.compile(
    r"[.-](?:(?=[0-9a-f]{0,7}[0-9])(?=[0-9a-f]{0,7}[a-f])[0-9a-f]{8}"
    r"|(?=[A-Za-z0-9_-]{0,7}[0-9])(?=[A-Za-z0-9_-]{0,7}[A-Z])[A-Za-z0-9_-]{8}"
    r"|(?=(?:[a-z0-9_-]{0,7}[A-Z]){3})(?=[A-Za-z0-9_-]{0,7}[a-z])[A-Za-z0-9_-]{8}"
    r"|[0-9a-f]{16,32})\.(?:m?js|cjs|css)$")
LANGUAGE_BY_EXT = {
    # Cython's .pyx modules are Python with C declarations: drivers written in it import
    # and call as Python does (pymssql's _mssql.pyx)
    ".py": "python", ".pyw": "python", ".pyx": "python",
    ".js": "javascript", ".jsx": "javascript", ".mjs": "javascript", ".cjs": "javascript",
    ".ts": "javascript", ".tsx": "javascript", ".mts": "javascript", ".cts": "javascript",
    ".vue": "javascript", ".svelte": "javascript", ".astro": "javascript",
    # CoffeeScript compiles to JavaScript and calls the same packages the same way (Hubot's
    # adapters and scripts: `Redis = require 'redis'`); it is read with JavaScript's rules
    # and its own comments (`#`, `###`)
    ".coffee": "coffeescript",
    ".go": "go",
    ".java": "java", ".kt": "java", ".kts": "java", ".scala": "java", ".groovy": "java",
    ".rb": "ruby", ".rake": "ruby",
    ".php": "php", ".inc": "php", ".phtml": "php",
    ".cs": "csharp",
}
MANIFESTS = {
    "requirements.txt": "requirements", "pyproject.toml": "pyproject", "Pipfile": "pipfile",
    "setup.cfg": "setupcfg", "package.json": "package.json", "go.mod": "go.mod", "Gemfile": "gemfile",
    "composer.json": "composer.json", "pom.xml": "pom.xml", "build.gradle.kts": "gradle",
}  # and every *.gradle script (build.gradle, include.gradle, ...): see file_class
CONFIG_EXTS = frozenset({".yaml", ".yml", ".json", ".toml", ".ini", ".cfg", ".conf", ".properties", ".xml", ".hcl",
                         ".prisma"})
# Folders of translations: their JSON, YAML and properties files are prose.
LOCALE_DIRS = frozenset({"locale", "locales", "i18n", "l10n", "lang", "langs", "languages", "translations"})
# Entrypoints and setup scripts: connection URLs, hosts and env vars, not imports.
SHELL_EXTS = frozenset({".sh", ".bash", ".zsh"})
HTML_EXTS = frozenset({".html", ".htm", ".erb", ".haml", ".slim", ".twig", ".hbs", ".ejs", ".njk", ".jinja", ".jinja2", ".cshtml", ".razor", ".liquid"})
# Sample configuration shipped for the user to copy: it names what the app is built to
# connect to, in the syntax of the file it templates.
TEMPLATE_EXTS = frozenset({".dist", ".example", ".sample", ".template", ".tmpl"})
# A Jinja template of a config or source file is read as the file it renders when its
# name says which (PyPI Cloud's config.ini.jinja2, Ansible's settings.py.j2); a page
# template with no inner extension (base.jinja2) stays a page.
JINJA_EXTS = frozenset({".j2", ".jinja", ".jinja2"})
MINIFIED_SUFFIXES = (".min.js", ".min.mjs", ".min.css", "-min.js", ".bundle.js", ".chunk.js")
# Test, example and docs code: evidence found there is reported but does not count as app usage.
TEST_DIRS = frozenset({"test", "tests", "__tests__", "spec", "specs", "testing", "e2e", "cypress", "playwright",
                       "fixtures", "__mocks__", "mocks", "testdata", "test-data", "integration_tests",
                       # benchmark code: Netty's microbench example headers name Google Pub/Sub
                       "bench", "benchmark", "benchmarks", "microbench", "microbenchmark", "microbenchmarks", "jmh"})
# Example plugins and projects named for what they show: ckanext/example_idatastorebackend,
# samples/sample-app, demo_site, log4j-spring-cloud-config-samples, and run together with
# what they hold: django-defender's exampleapp/, a demoproject/.
_EXAMPLE_DIR_RE = regex_cache.compile(r"(?:[a-z0-9_-]*[-_])?(?:examples?|samples?|demos?)(?:apps?|projects?|sites?)?"
                                      r"(?:[-_][a-z0-9_-]*)?")
# Test infrastructure named after what it holds: testserver, test_utils, test-helpers,
# integration-tests, load_test, and a Django test project named test_<app> (Haystack's
# test_haystack). Plain words that merely start with "test" (testimonials) do not match.
_TEST_DIR_RE = regex_cache.compile(
    r"tests?[-_]?(?:servers?|utils?|util|helpers?|support|harness|infra|env|environments?|containers?|services?"
    r"|suites?|resources|fixtures?|properties|config|configs|settings)|[a-z0-9]+[-_]tests?|tests?_[a-z0-9_]+"
    # and a test project run together (django-guardian's guardian/testapp/)
    r"|tests?(?:apps?|projects?|sites?)")
# Gradle and Maven source sets in camelCase: src/integTest, src/functionalTest,
# src/testFixtures, src/testUtils ("latest" has no capital T, so it stays app code).
_CAMEL_TEST_DIR_RE = regex_cache.compile(r"[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)*Tests?|test(?:[A-Z][a-z0-9]*)+")
# CI service containers exist for the test suite.
# .bluemix: IBM Cloud toolchains; .kokoro: Google's CI scripts (google-oauth-client-java)
CI_DIRS = frozenset({".github", ".circleci", ".buildkite", ".bluemix", ".kokoro", ".gitlab", ".woodpecker"})
EXAMPLE_DIRS = frozenset({"example", "examples", "sample", "samples", "demo", "demos", "docs", "doc", "documentation",
                          "xdocs", "stories"})


# A release of another project unpacked into the tree: a directory named name-version
# (h2database-1.4.197, jquery-ui-1.12.1, PHPMailer-5.2.9) holding its own licence or
# build manifest. MediathekView's Debian tarball carries H2's sources that way.
_RELEASE_DIR_RE = regex_cache.compile(r"[A-Za-z][\w.-]*?-v?\d+(?:\.\d+)+(?:[-+.~_]?[A-Za-z0-9]+)*")
_RELEASE_MARKERS = frozenset({"license", "license.txt", "license.md", "copying", "pom.xml", "package.json",
                              "composer.json", "setup.py", "pyproject.toml", "go.mod", "build.gradle", "cargo.toml"})


# Bower writes this file into each package it installs, wherever its directory is
# configured to be: nbviewer's static/components/reveal.js holds reveal.js's own
# package.json and demo page.
_BOWER_MARKER = ".bower.json"
# A Python virtual environment, whatever its name (env/, py311/): its bin/ holds the
# entry-point scripts of every package installed in it.
_VENV_MARKER = "pyvenv.cfg"
_DIRECTORY_MARKERS = (_BOWER_MARKER, _VENV_MARKER)
# A listing with this few directories is a pre-commit run's staged files, which may not
# include the marker: each directory is then looked at on disk.
_FEW_DIRECTORIES = 256


def bundled_release_dirs(paths: Iterable[str], root: Path | None = None) -> frozenset[str]:
    """Directories (relative to the scan root, never the root itself) that hold another
    project's unpacked release, a package Bower installed, or a virtual environment. The
    marker is looked for among ``paths``, and, with a ``root``, on disk too: pre-commit
    passes only the staged files, not the licence."""
    found = set()
    directories = set()
    for path in paths:
        directory, _, name = path.rpartition("/")
        lower = name.lower()
        if directory and (lower in _DIRECTORY_MARKERS or (
                _is_release_marker(lower) and _RELEASE_DIR_RE.fullmatch(directory.rpartition("/")[2]))):
            found.add(directory)
        directories.add(directory)
    if root is None:
        return frozenset(found)
    if len(directories) <= _FEW_DIRECTORIES:
        ancestors = set()
        for directory in directories:
            while directory and directory not in ancestors:
                ancestors.add(directory)
                directory = directory.rpartition("/")[0]
        for directory in sorted(ancestors - found):
            if any((root / directory / marker).is_file() for marker in _DIRECTORY_MARKERS):
                found.add(directory)
    candidates = set()
    seen: set[str] = set()
    for directory in directories:
        while directory and directory not in seen:
            seen.add(directory)
            if _RELEASE_DIR_RE.fullmatch(directory.rpartition("/")[2]):
                candidates.add(directory)
            directory = directory.rpartition("/")[0]
    for directory in sorted(candidates - found):
        try:
            with os.scandir(root / directory) as entries:
                if any(_is_release_marker(entry.name.lower()) for entry in entries):
                    found.add(directory)
        except OSError:
            continue
    return frozenset(found)


def _is_release_marker(lower_name: str) -> bool:
    return lower_name in _RELEASE_MARKERS or lower_name.endswith(".gemspec")


def skip_reason(path: str) -> tuple[str, str] | None:
    """``(reason, directory-or-path)`` when the file is skipped by default, else None."""
    directory, _, name = path.rpartition("/")
    if directory:
        why = _directory_reason(directory)
        if why is not None and not _is_script_in_bin(why, directory, name):
            return why
    if name in LOCK_FILES:
        return "lockfile", path
    if name in BUNDLED_LIBRARY_FILES:
        return "vendored", path
    if name.lower().endswith(MINIFIED_SUFFIXES):
        return "minified", path
    if name in GENERATED_FILES or (name.endswith(_BUNDLE_EXTS) and _HASHED_BUNDLE_RE.search(name)):
        return "generated", path
    return None


# A bin/ directory holds either build output (.NET's bin/Debug/net8.0/, Eclipse's compiled
# classes and copied resources) or a project's scripts: Rails' bin/setup, a Node CLI's
# bin/cli.js, the programs a Debian package installs in usr/bin/ (patator, a one-file
# tool). Its scripts are read; everything else in it stays build output.
_BUILD_CONFIGURATIONS = frozenset({"debug", "release"})
_SCRIPT_EXTS = frozenset({".py", ".js", ".mjs", ".cjs", ".ts", ".rb", ".php", *SHELL_EXTS})


def _is_script_in_bin(why: tuple[str, str], directory: str, name: str) -> bool:
    bin_dir = why[1]
    if why[0] != "generated" or not (bin_dir == "bin/" or bin_dir.endswith("/bin/")):
        return False
    below = directory[len(bin_dir):]
    if below and (_directory_reason(below) is not None
                  or any(p.lower() in _BUILD_CONFIGURATIONS for p in below.split("/"))):
        return False
    lower = name.lower()
    ext = extension(lower)
    return ext in _SCRIPT_EXTS or (not ext and "." not in name and lower not in NOT_SCRIPTS)


@functools.lru_cache(maxsize=4096)
def _directory_reason(directory: str) -> tuple[str, str] | None:
    """Files share directories: each directory is judged once per run."""
    parts = directory.split("/")
    for bundled in BUNDLED_LIBRARY_DIRS:
        at = ("/" + directory + "/").find("/" + bundled + "/")
        if at >= 0:
            return "vendored", directory[: at + len(bundled)] + "/"
    for i, part in enumerate(parts):
        if part in VENDOR_DIRS or part.lower() in VENDOR_DIRS_ANY_CASE:
            return "vendored", "/".join(parts[: i + 1]) + "/"
        if part in STATIC_LIBRARY_DIRS and "static" in parts[:i]:
            return "vendored", "/".join(parts[: i + 1]) + "/"
        if part in GENERATED_DIRS:
            return "generated", "/".join(parts[: i + 1]) + "/"
    return None


def is_requirements_file(path: str) -> bool:
    """pip's requirements files: requirements*.txt or .in, and any .txt or .in in a
    requirements/ directory, the layout of cookiecutter-django and pip-tools projects
    (requirements/base.txt, production.txt, dev.in) and Pootle's _db_postgresql.txt."""
    parent, _, name = path.rpartition("/")
    if not name.endswith((".txt", ".in")):
        return False
    return name.startswith("requirements") or parent.rpartition("/")[2] == "requirements"


def file_class(path: str) -> str | None:
    """The class of file rules are written for, or None when no rule reads it."""
    name = path.rpartition("/")[2]
    if name in MANIFESTS or is_requirements_file(path) \
            or name.endswith((".csproj", ".gemspec", ".gradle")) or name == "Directory.Packages.props":
        return "manifest"
    lower = name.lower()
    if lower.startswith(".env") or lower.endswith(".env"):
        return "env"
    ext = extension(lower)
    if ext in TEMPLATE_EXTS:  # config.inc.php.dist, settings.yml.example: read as what they template
        lower = lower[: -len(ext)]
        ext = extension(lower)
    elif ext in JINJA_EXTS and extension(lower[: -len(ext)]) in _RENDERED_EXTS:
        lower = lower[: -len(ext)]
        ext = extension(lower)
    lang = LANGUAGE_BY_EXT.get(ext)
    if lang:
        # TypeScript declaration files describe types: nothing in them runs
        if lang == "javascript" and lower.endswith((".d.ts", ".d.mts", ".d.cts")):
            return None
        return lang
    if ext == ".tf" or ext == ".tfvars":
        return "terraform"
    if ext in (".yaml", ".yml"):
        if "compose" in lower or _is_deploy_path(path):
            return "deploy"
        return None if _in_locale_directory(path) else "config"
    if ext in HTML_EXTS:
        # a licence kept as a web page (Kallithea's LICENSE-MERGELY.html, saved with the
        # site's analytics snippet) is a document, not one of the app's pages
        return None if lower.startswith(("license", "licence", "copying", "notice")) else "html"
    if ext in SHELL_EXTS:
        return "shell"
    if ext == ".sql":  # a schema or migration written for one database's dialect
        return "sql"
    if ext in CONFIG_EXTS:
        return None if _in_locale_directory(path) else "config"
    if lower in ("dockerfile", "procfile", "containerfile") or lower.startswith("dockerfile.") \
            or lower.endswith(".dockerfile"):
        return "config"
    if "." not in name and lower not in NOT_SCRIPTS and not lower.startswith(("license", "licence", "copying")):
        return SCRIPT
    return None


# An executable script with no suffix (motion's usbrelayd in sbin/, a wheel's
# .data/scripts/s3_media_upload): its language is read off its first line, once the scanner
# has it (see script_language). Names that are never scripts are not opened.
SCRIPT = "script"
NOT_SCRIPTS = frozenset({
    "readme", "authors", "contributors", "changelog", "changes", "news", "notice", "copyright", "todo", "thanks",
    "makefile", "gnumakefile", "metadata", "record", "wheel", "installer", "requested", "pkg-info", "manifest",
    "version", "codeowners", "owners", "vagrantfile", "rakefile", "gemfile", "brewfile", "podfile", "jenkinsfile",
    "cname", "head", "config", "description", "hosts", "caddyfile", "justfile", "tiltfile", "berksfile",
})
_SHEBANG_RE = re.compile(rb"#![ \t]*\S*?(?:/env(?:[ \t]+-\S+)*[ \t]+)?(?:\S*/)?"
                         rb"(python|pypy|node|nodejs|deno|bun|ruby|php)[\d.]*(?:[ \t]|$)")
_SCRIPT_LANGUAGES = {b"python": "python", b"pypy": "python", b"node": "javascript", b"nodejs": "javascript",
                     b"deno": "javascript", b"bun": "javascript", b"ruby": "ruby", b"php": "php"}


def script_language(raw: bytes) -> str | None:
    """The language a suffix-less script's shebang names (``#!/usr/bin/env python3``,
    ``#!/usr/bin/node``), or None: then the file is not read as code."""
    if not raw.startswith(b"#!"):
        return None
    end = raw.find(b"\n", 0, 200)  # the first line, or its first 200 bytes
    m = _SHEBANG_RE.match(raw, 0, end if end >= 0 else 200)
    return _SCRIPT_LANGUAGES[m.group(1)] if m else None


def _in_locale_directory(path: str) -> bool:
    """Translations (locales/ar.json, config/locales/en.yml): prose such as "your SMTP
    host, for instance smtp.postmarkapp.com", not configuration."""
    directory = path.rpartition("/")[0]
    return bool(directory) and _is_locale_directory(directory)


@functools.lru_cache(maxsize=4096)
def _is_locale_directory(directory: str) -> bool:
    return any(p.lower() in LOCALE_DIRS for p in directory.split("/"))


# What a Jinja template's inner extension must be for it to be read as that file.
_RENDERED_EXTS = frozenset({*LANGUAGE_BY_EXT, *CONFIG_EXTS, *SHELL_EXTS, *HTML_EXTS, ".yaml", ".yml", ".sql", ".tf", ".tfvars"})


def extension(name: str) -> str:
    """``posixpath.splitext(name)[1]`` for a file name (no "/"), in a third of the time."""
    dot = name.rfind(".")
    return name[dot:] if dot > 0 and name[:dot].strip(".") else ""


def _is_deploy_path(path: str) -> bool:
    parts = set(path.lower().split("/")[:-1])
    return bool(parts & {"k8s", "kubernetes", "helm", "charts", "deploy", "deployment", "deployments",
                         "manifests", "kustomize", "overlays", "infra", "ops"}) \
        or posixpath.basename(path).lower().startswith(("values", "chart", "deployment", "statefulset", "service"))


@functools.lru_cache(maxsize=4096)
def _is_test_directory(directory: str) -> bool:
    """Asked once per directory, not once per file: a tree has far fewer of them."""
    # Maven's documentation site: src/site/ holds the project's web pages (Logback's)
    if "/src/site/" in f"/{directory}/":
        return True
    return any(p in TEST_DIRS or p in EXAMPLE_DIRS or p in CI_DIRS or _TEST_DIR_RE.fullmatch(p.lower())
               or _EXAMPLE_DIR_RE.fullmatch(p.lower())
               or _CAMEL_TEST_DIR_RE.fullmatch(p) for p in directory.split("/"))


# Settings kept for the test suite: config/environments/test.rb, settings/testing.py,
# Airflow's config_templates/unit_tests.cfg, django-defender's ci_settings.py. The name
# before the first dot says so.
_TEST_STEMS = frozenset({"test", "tests", "testing", "unit_test", "unit_tests", "unittests", "unit-tests",
                         "integration_tests", "functional_tests", "ci_settings", "settings_ci", "settings_test",
                         "test_settings", "testsettings",
                         # helpers a package ships for its own or its users' tests (MJML's
                         # testing_helpers.py with its fixtures' data directory; Java's TestUtils)
                         "testing_helpers", "testing_utils", "testutils", "testhelpers"})
_EXAMPLE_STEMS = frozenset({"example", "examples", "demo"})
_EXAMPLE_CODE_EXTS = (".js", ".mjs", ".cjs", ".ts", ".py", ".rb", ".go", ".php")
# Test runners' own configuration: the database and service URLs in them are the suite's.
_TEST_TOOL_FILES = frozenset({"phpunit.xml", "phpunit.xml.dist", "phpunit.dist.xml", "pytest.ini", "tox.ini",
                              "noxfile.py", "cypress.json", "codeception.yml", "behat.yml", "behat.yml.dist"})
_TEST_TOOL_STEMS = frozenset({"jest.config", "vitest.config", "karma.conf", "playwright.config", "cypress.config",
                              ".mocharc", "vitest.workspace", "jest.setup", "vitest.setup"})


_TEST_SCRIPT_EXTS = (".sh", ".bash", ".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".py", ".rb", ".php")


def is_test_path(path: str) -> bool:
    """True for tests, examples and docs code (relative to the scan root)."""
    directory, _, name = path.rpartition("/")
    if directory and _is_test_directory(directory):
        return True
    lower = name.lower()
    return (
        lower.startswith("test_") or lower == "conftest.py"
        # a pytest plugin shipped with the package: fixtures for its users' test suites
        # (Software Heritage's pytest_plugin.py templates a Cassandra node's data directory)
        or (lower.startswith("pytest_") and lower.endswith(".py"))
        # a script testing the app against a server (Signal K's test-oidc-sso.sh, the
        # E2B plugin's scripts/test-e2b-workflow.mjs run with its OpenAI key); the hyphen
        # keeps it out of an import path, so it is run, not imported
        or (lower.startswith("test-") and lower.endswith(_TEST_SCRIPT_EXTS))
        or lower.endswith(("_test.py", "_test.go", "_spec.rb", "_test.rb", "_test.php"))
        # mocha's and tap's foo-test.js, and a mock kept beside the code it fakes (Plivo's
        # src/rest/request-test.js answering with canned bodies). Not "-spec": dd-trace's
        # after-spec.js is a Cypress hook, Firebase's api-spec.js an API description.
        or lower.endswith(("-test.js", "-test.ts", "-test.mjs", "-test.cjs", "-test.jsx", "-test.tsx"))
        or ".test." in lower or ".spec." in lower
        # JUnit, NUnit, PHPUnit and Spock names are CamelCase: FooTest.java, not Latest.java
        or name.endswith(("Test.java", "Tests.java", "IT.java", "Test.kt", "Tests.kt", "Test.cs", "Tests.cs",
                          "Test.php", "Test.groovy", "Spec.groovy"))
        or lower.startswith(".env.test") or lower in (".gitlab-ci.yml", ".travis.yml", "bitbucket-pipelines.yml")
        or lower.partition(".")[0] in _TEST_STEMS or lower in _TEST_TOOL_FILES
        or lower.rpartition(".")[0] in _TEST_TOOL_STEMS
        # a JSON Schema describes settings; the env vars in its "examples" are documentation
        or lower.endswith(".schema.json")
        # a library's usage example beside its code (Aedes' example.js serving MQTT over ws)
        or (lower.partition(".")[0] in _EXAMPLE_STEMS and lower.endswith(_EXAMPLE_CODE_EXTS))
    )
