from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from connreg_gate.probes import runner
from connreg_gate.registry import load as registry_load
from testing import servers
from testing.servers import require_service

http_server = pytest.fixture(servers.http_server)
silent_server = pytest.fixture(servers.silent_server)


def registry(tmp_path: Path, backend: list[str], external: list[str] = ()) -> Path:
    text = "version: 1\nbackend_connections:\n" + "".join(backend) + "external_apis:\n" + "".join(external)
    if not backend:
        text = text.replace("backend_connections:\n", "backend_connections: []\n")
    if not external:
        text = text.replace("external_apis:\n", "external_apis: []\n")
    path = tmp_path / "connections_registry.yaml"
    path.write_text(text)
    return path


def entry(eid: str, provider: str, category: str, probes: str, extra: str = "") -> str:
    return (f"  - id: {eid}\n    category: {category}\n    provider: {provider}\n{extra}"
            f"    health:\n      probes:\n{probes}")


def probe(ptype: str, target: str, timeout_ms: int = 2000, more: str = "") -> str:
    return f"        - type: {ptype}\n          target: '{target}'\n          timeout_ms: {timeout_ms}\n{more}"


def run(path: Path):
    reg = registry_load.load(path)
    return {(r.connection_id, r.target): r for r in runner.run(runner.specs_from_registry(reg), path.parent)}


def test_http_statuses_auth_and_body(tmp_path, http_server, monkeypatch):
    monkeypatch.setenv("API_TOKEN", servers._Handler.token)
    path = registry(tmp_path, [], [
        entry("ok", "stripe", "payments", probe("http", f"{http_server}/health", more="          expected_response: 200\n")),
        entry("body", "openai", "llm", probe("http", f"{http_server}/health", more="          expected_response: 'status.*ok'\n")),
        entry("err", "resend", "email", probe("http", f"{http_server}/fail")),
        entry("notfound", "posthog", "analytics", probe("http", f"{http_server}/missing", more="          expected_response: 200\n")),
        entry("authed", "clerk", "identity", probe("http", f"{http_server}/auth"), extra="    secrets_ref: env://API_TOKEN\n"),
        entry("unauthed", "sentry", "monitoring", probe("http", f"{http_server}/auth")),
    ])
    results = {r.connection_id: r for r in run(path).values()}
    assert results["ok"].status == "healthy" and results["ok"].latency_ms is not None
    assert results["body"].status == "healthy"
    assert results["err"].status == "down" and "HTTP 500" in results["err"].error
    assert results["notfound"].status == "degraded" and "HTTP 404" in results["notfound"].error
    assert results["authed"].status == "healthy"
    assert results["unauthed"].status == "degraded" and "401" in results["unauthed"].error


def test_timeouts_are_strict(tmp_path, http_server, silent_server):
    path = registry(tmp_path, [
        entry("silent-redis", "redis", "cache", probe("redis", f"redis://127.0.0.1:{silent_server}/0", 400)),
        entry("silent-sql", "postgres", "database", probe("sql", f"postgresql://u@127.0.0.1:{silent_server}/db", 400)),
    ], [entry("hang", "stripe", "payments", probe("http", f"{http_server}/hang", 400))])
    started = time.perf_counter()
    results = list(run(path).values())
    elapsed = time.perf_counter() - started
    # Each server would hold a connection for 30 s; the run must end near the 0.4 s timeouts.
    assert elapsed < 3.0
    assert [r.status for r in results] == ["down"] * 3
    assert all("timed out after 400 ms" in r.error for r in results)


def test_closed_port_and_tcp(tmp_path, silent_server):
    port = servers.closed_port()
    path = registry(tmp_path, [
        entry("closed", "postgres", "database", probe("tcp", f"127.0.0.1:{port}")),
        entry("open", "redis", "cache", probe("tcp", f"127.0.0.1:{silent_server}")),
    ])
    results = {r.connection_id: r for r in run(path).values()}
    assert results["closed"].status == "down" and "refused" in results["closed"].error.lower()
    assert results["open"].status == "healthy"


def test_postgres_and_mariadb(tmp_path):
    require_service("PostgreSQL", 5432)
    require_service("MariaDB", 3306)
    path = registry(tmp_path, [
        entry("pg", "postgres", "database", probe("sql", "postgresql://postgres@127.0.0.1:5432/test", more="          query: SELECT count(*) FROM pg_catalog.pg_tables\n")),
        entry("pg-bad-query", "postgres", "database", probe("sql", "postgresql://postgres@127.0.0.1:5432/test", more="          query: SELECT * FROM no_such_table_here\n")),
        entry("pg-no-db", "postgres", "database", probe("sql", "postgresql://postgres@127.0.0.1:5432/no_such_db")),
        entry("maria", "mysql", "database", probe("sql", "mysql://root@127.0.0.1:3306/test")),
        entry("maria-bad-pw", "mysql", "database", probe("sql", "mysql://root@127.0.0.1:3306/test"),
              extra="    secrets_ref: env://WRONG_DB_PASSWORD\n"),
    ])
    import os
    os.environ["WRONG_DB_PASSWORD"] = "definitely-wrong-pw-4242"
    try:
        results = {r.connection_id: r for r in run(path).values()}
    finally:
        del os.environ["WRONG_DB_PASSWORD"]
    assert results["pg"].status == "healthy", results["pg"].error
    assert results["pg-bad-query"].status == "down" and "no_such_table_here" in results["pg-bad-query"].error
    assert results["pg-no-db"].status == "down" and "no_such_db" in results["pg-no-db"].error
    assert results["maria"].status == "healthy", results["maria"].error
    bad = results["maria-bad-pw"]
    assert bad.status == "down" and "Access denied" in bad.error
    assert "definitely-wrong-pw-4242" not in bad.error and "definitely-wrong-pw-4242" not in bad.target


def test_redis_and_rabbitmq(tmp_path, monkeypatch):
    require_service("Redis", 6379)
    require_service("RabbitMQ", 5672)
    monkeypatch.setenv("RABBIT_URL", "amqp://guest:guest@127.0.0.1:5672/")
    monkeypatch.setenv("RABBIT_BAD", "amqp://guest:not-the-password-77@127.0.0.1:5672/")
    monkeypatch.setenv("REDIS_PW", "redis-wrong-password-99")
    path = registry(tmp_path, [
        entry("cache", "redis", "cache", probe("redis", "redis://127.0.0.1:6379/0")),
        entry("cache-auth", "redis", "cache", probe("redis", "redis://127.0.0.1:6379/0"), extra="    secrets_ref: env://REDIS_PW\n"),
        entry("mq", "rabbitmq", "queue", probe("amqp", "amqp://127.0.0.1:5672/"), extra="    secrets_ref: env://RABBIT_URL\n"),
        entry("mq-bad", "rabbitmq", "queue", probe("amqp", "amqp://127.0.0.1:5672/", 5000), extra="    secrets_ref: env://RABBIT_BAD\n"),
    ])
    results = {r.connection_id: r for r in run(path).values()}
    assert results["cache"].status == "healthy"
    assert results["cache-auth"].status == "down" and "AUTH failed" in results["cache-auth"].error
    assert "redis-wrong-password-99" not in results["cache-auth"].error
    assert results["mq"].status == "healthy", results["mq"].error
    assert results["mq-bad"].status == "down"
    assert "not-the-password-77" not in results["mq-bad"].error + results["mq-bad"].target


def test_custom_probe(tmp_path):
    path = registry(tmp_path, [
        entry("ok", "redis", "cache", "        - type: custom\n          command: ['true']\n          timeout_ms: 1000\n"),
        entry("bad", "postgres", "database", "        - type: custom\n          command: ['sh', '-c', 'echo broken; exit 3']\n          timeout_ms: 1000\n"),
        entry("slow", "rabbitmq", "queue", "        - type: custom\n          command: ['sleep', '30']\n          timeout_ms: 300\n"),
    ])
    started = time.perf_counter()
    results = {r.connection_id: r for r in run(path).values()}
    assert time.perf_counter() - started < 3
    assert results["ok"].status == "healthy"
    assert results["bad"].status == "down" and "exit 3: broken" in results["bad"].error
    assert results["slow"].status == "down" and "timed out" in results["slow"].error


def connreg(cwd: Path, *args: str, env: dict | None = None):
    import os

    return subprocess.run([sys.executable, "-m", "connreg_gate", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


def test_cli_history_slo_and_exit_codes(tmp_path, http_server):
    slo = "    health:\n      slo:\n        availability: 99.0\n        latency_p95_ms: 2000\n"
    path = registry(tmp_path, [], [
        entry("api", "stripe", "payments", probe("http", f"{http_server}/health")),
        entry("flaky", "openai", "llm", probe("http", f"{http_server}/fail")),
    ])
    text = path.read_text().replace("    health:\n      probes:\n", "    health:\n      slo:\n        availability: 99.0\n        latency_p95_ms: 2000\n      probes:\n")
    path.write_text(text)
    hist = tmp_path / "history.jsonl"
    for _ in range(3):
        proc = connreg(tmp_path, "probe", "--history", str(hist), "--format", "json")
        assert proc.returncode == 1  # a connection with an SLO is down
    data = json.loads(proc.stdout)
    assert {r["id"]: r["status"] for r in data["results"]} == {"api": "healthy", "flaky": "down"}
    assert connreg(tmp_path, "probe", "--fail-on", "never").returncode == 0
    assert len(hist.read_text().splitlines()) == 6
    proc = connreg(tmp_path, "slo", "--history", str(hist), "--format", "json")
    assert proc.returncode == 1
    by_id = {c["id"]: c for c in json.loads(proc.stdout)["connections"]}
    assert by_id["api"]["availability"] == 100.0 and by_id["api"]["met"] == {"availability": True, "latency_p95_ms": True}
    assert by_id["flaky"]["availability"] == 0.0 and by_id["flaky"]["met"]["availability"] is False
    assert by_id["flaky"]["burn_rate"] == 100.0 and by_id["flaky"]["error_budget_remaining"] == -9900.0
    _ = slo


def test_slo_percentiles_from_slow_answers(tmp_path, http_server):
    from connreg_gate.probes import history
    from connreg_gate.probes import slo as slo_mod
    import datetime as dt

    delays = [10] * 18 + [300, 600]
    backend = [entry("svc", "redis", "cache", "".join(probe("http", f"{http_server}/slow?ms={d}&i={i}") for i, d in enumerate(delays)),
                     extra="")]
    path = registry(tmp_path, backend)
    path.write_text(path.read_text().replace("    health:\n", "    health:\n      slo:\n        latency_p95_ms: 100\n        latency_p99_ms: 1000\n"))
    reg = registry_load.load(path)
    results = runner.run(runner.specs_from_registry(reg), tmp_path)
    hist = tmp_path / "h.jsonl"
    history.append(hist, results)
    [report] = slo_mod.compute(hist, reg, dt.timedelta(days=1), dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=1), [])
    assert report.samples == 20
    assert 300 <= report.latency_p95_ms < 600 <= report.latency_p99_ms  # nearest rank: 19th and 20th of 20
    assert report.met == {"latency_p95_ms": False, "latency_p99_ms": True}


def test_safety_allow_hosts_and_forks(tmp_path, http_server):
    path = registry(tmp_path, [], [entry("api", "stripe", "payments", probe("http", f"{http_server}/health"))])
    proc = connreg(tmp_path, "probe", "--allow-hosts", "*.internal")
    assert proc.returncode == 2 and "not allowed by --allow-hosts" in proc.stderr
    assert connreg(tmp_path, "probe", "--allow-hosts", "127.0.0.*").returncode == 0
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"head": {"repo": {"full_name": "evil/fork"}}, "base": {"repo": {"full_name": "acme/app"}}}}))
    env = {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event)}
    proc = connreg(tmp_path, "probe", env=env)
    assert proc.returncode == 2 and "fork evil/fork" in proc.stderr
    assert connreg(tmp_path, "probe", "--allow-fork", env=env).returncode == 0
    assert path.exists()


def test_spof_report(tmp_path):
    path = registry(tmp_path, [
        entry("db", "postgres", "database", probe("tcp", "10.0.0.5:5432")),
        entry("cache", "redis", "cache", probe("tcp", "10.0.0.5:6379"), extra="    replicas: ['10.0.0.6:6379']\n"),
        entry("cache2", "memcached", "cache", "        []\n"),
    ])
    from connreg_gate.probes import spof

    found = [(s.kind, s.subject) for s in spof.find(registry_load.load(path))]
    assert found == [("no_replica", "cache2"), ("no_replica", "db"), ("shared_host", "10.0.0.5"), ("single_provider", "database")]


def test_external_resolver_schemes_are_reported(tmp_path):
    path = registry(tmp_path, [entry("db", "postgres", "database", probe("tcp", "127.0.0.1:1"), extra="    secrets_ref: vault://secret/db#password\n")])
    [result] = run(path).values()
    assert result.status == "down" and "needs an external resolver" in result.error
