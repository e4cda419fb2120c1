"""One coroutine per probe type. Each raises on failure and returns a status on success.

All network I/O is asyncio so that `asyncio.wait_for` can cancel it at its timeout:
a server that accepts and never answers cannot hold the run.
"""
from __future__ import annotations

import asyncio
import re
import shlex
from typing import Any
from urllib.parse import unquote, urlsplit

from connreg_gate.probes.model import HEALTHY, ProbeSpec

DEFAULT_PORTS = {"postgres": 5432, "postgresql": 5432, "mysql": 3306, "mariadb": 3306, "redis": 6379,
                 "rediss": 6379, "amqp": 5672, "amqps": 5671, "http": 80, "https": 443}


class MissingDriver(RuntimeError):
    pass


def host_port(target: str, default_port: int | None = None) -> tuple[str, int]:
    if "://" in target:
        parts = urlsplit(target)
        port = parts.port or DEFAULT_PORTS.get(parts.scheme.split("+")[0], default_port or 0)
        return parts.hostname or "", port
    host, _, port = target.rpartition(":")
    if not host:
        raise ValueError(f"target {target!r} must be host:port or a URL")
    return host.strip("[]"), int(port)


def with_secret(target: str, secret: str | None) -> str:
    """Put the credential into the target URL: a URL secret lends user and password,
    anything else is the password. Host and port always come from the target."""
    if not secret:
        return target
    parts = urlsplit(target)
    user, password = parts.username or "", secret
    if "://" in secret:
        sp = urlsplit(secret)
        user = sp.username or user
        password = unquote(sp.password or "")
    from urllib.parse import quote

    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{parts.hostname}"
    if parts.port:
        netloc += f":{parts.port}"
    return parts._replace(netloc=netloc).geturl()


async def tcp(spec: ProbeSpec, secret: str | None) -> str:
    host, port = host_port(spec.target)
    _, writer = await asyncio.open_connection(host, port)
    writer.close()
    try:
        await writer.wait_closed()
    except OSError:
        pass
    return HEALTHY


async def http(spec: ProbeSpec, secret: str | None, client: Any) -> str:
    """GET the target with the run's shared client (one TLS context per run, not per probe)."""
    headers = dict(spec.headers)
    if secret and "authorization" not in {k.lower() for k in headers}:
        headers["Authorization"] = f"Bearer {secret}"
    response = await client.get(spec.target, headers=headers, timeout=spec.timeout_ms / 1000)
    expected = spec.expected_response
    if isinstance(expected, int) or (isinstance(expected, str) and expected.isdigit()):
        if response.status_code != int(expected):
            raise ProbeFailure(f"HTTP {response.status_code}, expected {expected}") if response.status_code >= 500 \
                else DegradedResult(f"HTTP {response.status_code}, expected {expected}")
    elif response.status_code >= 500:
        raise ProbeFailure(f"HTTP {response.status_code}")
    elif response.status_code >= 400:
        raise DegradedResult(f"HTTP {response.status_code}")
    if isinstance(expected, str) and not expected.isdigit() and expected:
        if not re.search(expected, response.text):
            raise DegradedResult(f"body does not match {expected!r}")
    return HEALTHY


async def redis(spec: ProbeSpec, secret: str | None) -> str:
    """PING over RESP: no driver needed."""
    host, port = host_port(spec.target, 6379)
    parts = urlsplit(spec.target) if "://" in spec.target else None
    reader, writer = await asyncio.open_connection(host, port, ssl=bool(parts and parts.scheme == "rediss") or None)
    try:
        password = secret
        if secret and "://" in secret:
            password = unquote(urlsplit(secret).password or "") or None
        if password:
            user = (parts.username if parts else None) or None
            args = ["AUTH", user, password] if user else ["AUTH", password]
            writer.write(_resp(args))
            reply = await reader.readline()
            if not reply.startswith(b"+OK"):
                raise ProbeFailure("AUTH failed: " + reply.decode(errors="replace").strip().lstrip("-"))
        writer.write(_resp(["PING"]))
        await writer.drain()
        reply = await reader.readline()
        if not reply.startswith(b"+PONG"):
            raise ProbeFailure("unexpected reply to PING: " + reply.decode(errors="replace").strip().lstrip("-"))
        return HEALTHY
    finally:
        writer.close()


def _resp(args: list[str]) -> bytes:
    out = f"*{len(args)}\r\n".encode()
    for a in args:
        b = a.encode()
        out += b"$" + str(len(b)).encode() + b"\r\n" + b + b"\r\n"
    return out


async def sql(spec: ProbeSpec, secret: str | None) -> str:
    scheme = urlsplit(spec.target).scheme.split("+")[0]
    query = spec.query or "SELECT 1"
    dsn = with_secret(spec.target, secret)
    if scheme in ("postgres", "postgresql"):
        try:
            import psycopg
        except ImportError:
            raise MissingDriver("the sql probe for PostgreSQL needs psycopg: pip install 'connreg-gate[probes]'") from None
        conn = await psycopg.AsyncConnection.connect(dsn.replace("postgres://", "postgresql://", 1),
                                                     connect_timeout=max(1, spec.timeout_ms // 1000), autocommit=True)
        try:
            async with conn.cursor() as cur:
                await cur.execute(query)
        finally:
            await conn.close()
        return HEALTHY
    if scheme in ("mysql", "mariadb"):
        try:
            import aiomysql
        except ImportError:
            raise MissingDriver("the sql probe for MySQL/MariaDB needs aiomysql: pip install 'connreg-gate[probes]'") from None
        p = urlsplit(dsn)
        conn = await aiomysql.connect(host=p.hostname, port=p.port or 3306, user=unquote(p.username or "root"),
                                      password=unquote(p.password or ""), db=(p.path.lstrip("/") or None),
                                      connect_timeout=spec.timeout_ms / 1000)
        try:
            async with conn.cursor() as cur:
                await cur.execute(query)
        finally:
            conn.close()
        return HEALTHY
    raise ProbeFailure(f"sql probe does not know the scheme {scheme!r} (postgres, mysql, mariadb)")


async def amqp(spec: ProbeSpec, secret: str | None) -> str:
    try:
        import aiormq
    except ImportError:
        raise MissingDriver("the amqp probe needs aiormq: pip install 'connreg-gate[probes]'") from None
    conn = await aiormq.connect(with_secret(spec.target, secret))
    await conn.close()
    return HEALTHY


async def custom(spec: ProbeSpec, secret: str | None) -> str:
    argv = list(spec.command) if spec.command else shlex.split(spec.target)
    proc = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        out, _ = await proc.communicate()
    except asyncio.CancelledError:
        proc.kill()
        await proc.wait()
        raise
    if proc.returncode != 0:
        raise ProbeFailure(f"exit {proc.returncode}: {out.decode(errors='replace').strip()[-200:]}")
    return HEALTHY


class ProbeFailure(Exception):
    """The probe reached a verdict: down."""


class DegradedResult(Exception):
    """The probe reached a verdict: degraded."""


CHECKS = {"tcp": tcp, "http": http, "https": http, "redis": redis, "sql": sql, "amqp": amqp, "custom": custom}

