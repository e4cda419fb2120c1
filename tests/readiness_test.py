from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from connreg_gate.discover.files import list_directory
from connreg_gate.readiness import run as readiness_run
from connreg_gate.readiness.evaluate import load_checkpoints
from connreg_gate.rulepack import load_packs
from connreg_gate.discover.scanner import ScanOptions
from testing.repos import git, make_repo

PROJECT = Path(__file__).resolve().parent.parent


def evaluate(tmp_path: Path, files: dict) -> dict:
    repo = make_repo(tmp_path / "r", files)
    results, facts = readiness_run.evaluate_tree(repo, load_packs(), ScanOptions())
    return {r.id: r for r in results} | {"__facts__": facts}


def test_catalog_is_80_checkpoints_valid_against_schema():
    from jsonschema import Draft202012Validator

    schema = json.loads((PROJECT / "schemas" / "checkpoints.schema.json").read_text())
    data = yaml.safe_load((PROJECT / "connreg_gate" / "readiness" / "checkpoints.yaml").read_text())
    assert list(Draft202012Validator(schema).iter_errors(data)) == []
    cps = load_checkpoints()
    assert len(cps) == 80 and len({c.id for c in cps}) == 80
    assert sum(c.severity == "blocker" for c in cps) == 12
    for c in cps:
        names = {s.name for s in c.signals}
        assert all(n in names for group in c.require for n in group), c.id
        for s in c.signals:
            if s.pattern is not None:
                s.pattern.compiled()


STRIPE_APP = {
    "requirements.txt": "stripe\nfastapi\n",
    "app/billing.py": (
        "import os\nimport stripe\n\nstripe.api_key = os.environ['STRIPE_SECRET_KEY']\n\n"
        "def webhook(payload, sig):\n    event = stripe.Webhook.construct_event(payload, sig, os.environ['STRIPE_WEBHOOK_SECRET'])\n"
        "    ProcessedEvent.objects.get_or_create(event_id=event.id)\n    return event\n"
    ),
    "app/models.py": "class ProcessedEvent(Model):\n    event_id = CharField(max_length=64, unique=True)\n",
}


def test_pass_partial_fail_and_na(tmp_path):
    r = evaluate(tmp_path, STRIPE_APP)
    assert r["payments.provider_configured"].status == "pass"
    assert {h.signal for h in r["payments.provider_configured"].evidence} >= {"provider", "env_keys", "webhook_verify"}
    assert r["payments.webhooks_idempotent"].status == "pass"
    hit = next(h for h in r["payments.webhooks_idempotent"].evidence if h.signal == "dedupe")
    assert (hit.path, hit.line) == ("app/models.py", 2)
    tax = r["payments.taxation_handled"]
    assert tax.status == "fail" and tax.confidence == 0.35  # evidence often lives in the dashboard
    assert any("Stripe Tax" in l["looked_for"] for l in tax.looked_for)
    assert r["email.marketing_with_unsubscribe"].status == "n/a"
    assert "mkt_email" in r["email.marketing_with_unsubscribe"].not_applicable
    assert r["ux.responsive_design"].status == "n/a" and "`web` is false" in r["ux.responsive_design"].not_applicable


def test_partial_when_a_required_signal_is_missing(tmp_path):
    files = dict(STRIPE_APP)
    files["app/models.py"] = "class Event(Model):\n    kind = CharField()\n"
    files["app/billing.py"] = files["app/billing.py"].replace("    ProcessedEvent.objects.get_or_create(event_id=event.id)\n", "")
    r = evaluate(tmp_path, files)
    assert r["payments.webhooks_idempotent"].status == "partial"
    assert r["payments.webhooks_idempotent"].score == 7


def test_high_precision_negative_forces_fail(tmp_path):
    files = dict(STRIPE_APP)
    files["app/settings.py"] = "KEY = 'sk_live_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4" + "'\n"
    r = evaluate(tmp_path, files)
    assert r["payments.provider_configured"].status == "fail" and r["payments.provider_configured"].score == 0
    assert r["security.secrets_in_vault"].status == "fail"


@pytest.mark.parametrize(("name", "files", "checkpoint", "status"), [
    ("word only in docs", {"package.json": '{"dependencies": {"react": "18"}}', "README.md": "We use axe-core and jest-axe for accessibility.\n"},
     "ux.wcag_compliant", "fail"),
    ("test-only dependency", {"package.json": '{"dependencies": {"express": "4"}, "devDependencies": {"@sentry/node": "8"}}',
                              "src/app.js": "Sentry.init({dsn: process.env.SENTRY_DSN})\n", "Dockerfile": "FROM node:20\n"},
     "analytics.error_tracking", "partial"),
    ("vendored code", {"package.json": '{"dependencies": {"express": "4"}}', "node_modules/helmet/index.js": "helmet(); hsts()\n",
                       "Dockerfile": "FROM node:20\n"}, "security.ssl_configured", "fail"),
    ("examples are not runtime", {"package.json": '{"dependencies": {"express": "4"}}', "examples/tls/app.js": "app.use(helmet())\n",
                                  "Dockerfile": "FROM node:20\n"}, "security.ssl_configured", "fail"),
    ("real runtime evidence", {"package.json": '{"dependencies": {"express": "4"}}', "src/app.js": "app.use(helmet())\n",
                               "Dockerfile": "FROM node:20\n"}, "security.ssl_configured", "pass"),
])
def test_traps(tmp_path, name, files, checkpoint, status):
    assert evaluate(tmp_path, files)[checkpoint].status == status


ECOSYSTEMS = [
    ("go", {"go.mod": "module x\n\nrequire (\n\tgithub.com/gin-gonic/gin v1.10.0\n\tgithub.com/prometheus/client_golang v1.20.0\n)\n",
            "main.go": "package main\nimport \"github.com/prometheus/client_golang/prometheus\"\nvar c = prometheus.NewCounterVec(opts, labels)\n",
            "Dockerfile": "FROM golang\n"}, "observability.metrics_collected", "pass"),
    ("ruby", {"Gemfile": "gem 'rails'\ngem 'rack-attack'\n", "config/initializers/rack_attack.rb": "Rack::Attack.throttle('req/ip', limit: 5)\n"},
     "api.rate_limiting", "pass"),
    ("java", {"pom.xml": "<project><dependencies><dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-web</artifactId></dependency></dependencies></project>",
              "src/main/java/Api.java": "@RequestMapping(\"/v1/orders\")\nclass Api {}\n", "openapi.yaml": "openapi: 3.0.0\nservers:\n  - url: https://api.example.com/v1\n"},
     "api.versioning", "pass"),
    ("php", {"composer.json": '{"require": {"laravel/framework": "^11"}}', "database/migrations/2024_01_01_create_users.php": "<?php\n",
             ".github/workflows/deploy.yml": "on: push\njobs:\n  d:\n    steps:\n      - run: php artisan migrate --force && echo release: migrate\n",
             "Procfile": "release: php artisan migrate --force\nweb: heroku-php-apache2\n", "app/Models/User.php": "<?php\nuse Illuminate\\Database\\Eloquent\\Model;\n",
             ".env.example": "DB_CONNECTION=mysql\nMYSQL_HOST=localhost\n"},
     "data.migrations_managed", "pass"),
    ("python", {"pyproject.toml": '[project]\nname="x"\ndependencies=["fastapi","pydantic"]\n',
                "app/api.py": "from pydantic import BaseModel\nclass Order(BaseModel):\n    id: int\n"}, "api.input_validation", "pass"),
    ("javascript", {"package.json": '{"dependencies": {"next": "15", "react": "19", "tailwindcss": "3"}}',
                    "app/layout.tsx": "export const viewport = { width: 'device-width' }\nexport default function L() { return <div className=\"md:flex\" /> }\n"},
     "ux.responsive_design", "pass"),
]


@pytest.mark.parametrize(("eco", "files", "checkpoint", "status"), ECOSYSTEMS, ids=[e[0] for e in ECOSYSTEMS])
def test_ecosystems(tmp_path, eco, files, checkpoint, status):
    r = evaluate(tmp_path, files)
    assert r[checkpoint].status == status, (r[checkpoint].evidence, r[checkpoint].looked_for)


def connreg(cwd, *args):
    return subprocess.run([sys.executable, "-m", "connreg_gate", *args], cwd=cwd, capture_output=True, text=True)


def _app_with_privacy(repo_files: dict) -> dict:
    return {**repo_files, "connections_registry.yaml": "version: 1\nbackend_connections: []\nexternal_apis:\n  - id: stripe\n    category: payments\n    provider: stripe\n  - id: fastapi\n    category: monitoring\n    provider: sentry\n"}


def test_new_blocker_against_committed_scorecard_and_baseline_ref(tmp_path):
    files = _app_with_privacy(STRIPE_APP)
    files["web/privacy.md"] = "# Privacy\nLegal basis, retention, data subject rights.\n"
    files["web/footer.html"] = '<a href="/privacy">Privacy</a>\n'
    repo = make_repo(tmp_path / "r", files)
    assert connreg(repo, "readiness", "--write").returncode == 0
    scorecard = yaml.safe_load((repo / "readiness_scorecard.yaml").read_text())
    assert scorecard["checkpoints"]["legal.privacy_policy"]["status"] == "pass"
    assert "timestamp" not in (repo / "readiness_scorecard.yaml").read_text()
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "baseline")
    assert connreg(repo, "check").returncode == 0  # failing blockers that already failed only warn
    git(repo, "checkout", "-qb", "pr")
    (repo / "web" / "privacy.md").unlink()
    (repo / "web" / "footer.html").write_text("<footer></footer>\n")
    git(repo, "commit", "-qam", "drop privacy page")
    proc = connreg(repo, "check", "--format", "json")
    data = json.loads(proc.stdout)
    assert proc.returncode == 1
    new = [f for f in data["findings"] if f["check"] == "readiness" and f["severity"] == "error"]
    assert [f["title"] for f in new] == ["Readiness blocker: legal.privacy_policy"]
    assert "was pass in" in new[0]["message"]
    # The same verdict from the merge-base, without touching the working tree.
    (repo / "readiness_scorecard.yaml").unlink()
    git(repo, "commit", "-qam", "no committed baseline")
    before = sorted(p.name for p in repo.iterdir())
    proc = connreg(repo, "check", "--baseline-ref", "main", "--format", "json")
    assert proc.returncode == 1, proc.stderr
    assert any("legal.privacy_policy" in f["title"] and f["severity"] == "error" for f in json.loads(proc.stdout)["findings"])
    assert sorted(p.name for p in repo.iterdir()) == before
    assert connreg(repo, "check", "--baseline-ref", "nope").returncode == 2


def test_attestations_count_until_they_expire(tmp_path):
    repo = make_repo(tmp_path / "r", _app_with_privacy(STRIPE_APP))
    assert connreg(repo, "readiness", "--write").returncode == 0
    path = repo / "readiness_scorecard.yaml"
    text = path.read_text().replace("attestations: []", "attestations:\n  - checkpoint: payments.taxation_handled\n"
                                    "    by: finance@example.com\n    why: Stripe Tax on by account default\n    expires: 2026-12-31\n")
    path.write_text(text)
    data = json.loads(connreg(repo, "readiness", "--format", "json", "--as-of", "2026-11-25").stdout)
    tax = next(c for c in data["checkpoints"] if c["id"] == "payments.taxation_handled")
    assert tax["status"] == "pass" and tax["confidence"] <= 0.5 and "finance@example.com" in tax["attested"]
    data = json.loads(connreg(repo, "readiness", "--format", "json", "--as-of", "2027-01-02").stdout)
    tax = next(c for c in data["checkpoints"] if c["id"] == "payments.taxation_handled")
    assert tax["status"] == "fail" and "expired on 2026-12-31" in tax["attestation_expired"]
    assert connreg(repo, "readiness", "--write").returncode == 0
    assert "finance@example.com" in path.read_text()  # --write keeps attestations


def test_json_shape(tmp_path):
    repo = make_repo(tmp_path / "r", STRIPE_APP)
    data = json.loads(connreg(repo, "readiness", "--format", "json").stdout)
    assert len(data["checkpoints"]) == 80
    assert set(data["checkpoints"][0]) >= {"id", "category", "severity", "status", "score", "confidence", "evidence"}
    assert {b["id"] for b in data["blockers"]} >= {"payments.taxation_handled"}
    assert data["score"].count("/") == 1


def test_scorecard_is_schema_checked_with_the_line(tmp_path):
    repo = make_repo(tmp_path / "r", STRIPE_APP)
    assert connreg(repo, "readiness", "--write").returncode == 0
    path = repo / "readiness_scorecard.yaml"
    text = path.read_text().replace("attestations: []", "attestations:\n  - checkpoint: payments.taxation_handled\n    by: finance\n")
    path.write_text(text)
    proc = connreg(repo, "readiness")
    assert proc.returncode == 2 and "readiness_scorecard.yaml:" in proc.stderr and "'why' is a required property" in proc.stderr
    assert path.read_text() == text
