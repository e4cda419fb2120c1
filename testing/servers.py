"""Real servers on 127.0.0.1 for tests, and the loopback services this machine runs."""
from __future__ import annotations

import os
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def require_service(name: str, port: int) -> None:
    """Skip with a reason when a loopback service is absent; in CI
    (CONNREG_REQUIRE_SERVICES=1) a missing service is a failure, never a skip."""
    if port_open(port):
        return
    message = f"{name} is not reachable on 127.0.0.1:{port}"
    if os.environ.get("CONNREG_REQUIRE_SERVICES") == "1":
        pytest.fail(message + " (required in CI)")
    pytest.skip(message)


class _Handler(BaseHTTPRequestHandler):
    token = "t0ken-for-tests-1234567890"

    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        if url.path == "/slow":
            time.sleep(int(query.get("ms", ["100"])[0]) / 1000)
        if url.path == "/hang":
            time.sleep(30)
        status = {"/fail": 500, "/missing": 404}.get(url.path, 200)
        if url.path == "/auth" and self.headers.get("Authorization") != f"Bearer {self.token}":
            status = 401
        body = b'{"status": "ok"}' if status == 200 else b"error"
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    # The default backlog of 5 drops SYNs under 20 concurrent probes, adding 1 s retransmits.
    request_queue_size = 256

    def handle_error(self, request: object, client_address: object) -> None:
        # A probe that times out drops its connection while the handler is still
        # sleeping or writing; that is the point of the test, not an error to print.
        import sys

        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)):
            super().handle_error(request, client_address)





def http_server() -> Iterator[str]:
    server = QuietServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def silent_server() -> Iterator[int]:
    """Accepts connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
                held.append(conn)
            except OSError:
                continue

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    try:
        yield sock.getsockname()[1]
    finally:
        stop.set()
        t.join(1)
        for c in held:
            c.close()
        sock.close()


def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port
