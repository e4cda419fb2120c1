"""Upsert one sticky pull-request comment through the GitHub REST API (httpx).

Finds our earlier comment by a hidden marker and edits it in place; never posts a
second one. Retries with backoff on 5xx and secondary rate limits. A 403 on a
fork's read-only token is a warning, not a failure: the caller prints the summary.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any, Callable, NamedTuple

from connreg_gate.errors import InputError

API_VERSION = "2022-11-28"


class PostResult(NamedTuple):
    action: str  # created | updated | skipped
    comment_id: int | None
    url: str
    warning: str = ""


class GitHubError(InputError):
    pass


def pr_number_from_event() -> int | None:
    path = os.environ.get("GITHUB_EVENT_PATH")
    if not path:
        return None
    try:
        event = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    number = (event.get("pull_request") or {}).get("number") or event.get("number")
    return int(number) if number else None


class Client:
    def __init__(self, token: str, repository: str, api_url: str = "https://api.github.com", transport: Any = None,
                 sleep: Callable[[float], None] = time.sleep, max_attempts: int = 4) -> None:
        import httpx

        if "/" not in repository:
            raise GitHubError(f"GITHUB_REPOSITORY must be owner/name, got {repository!r}")
        self.repository = repository
        self.api = api_url.rstrip("/")
        self._sleep = sleep
        self._attempts = max_attempts
        self._http = httpx.Client(transport=transport, timeout=30, headers={
            "Authorization": f"Bearer {token}", "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": API_VERSION, "User-Agent": "connreg-gate",
        })

    def close(self) -> None:
        self._http.close()

    def _request(self, method: str, url: str, **kwargs: Any) -> Any:
        import httpx

        delay = 1.0
        for attempt in range(1, self._attempts + 1):
            try:
                response = self._http.request(method, url, **kwargs)
            except httpx.HTTPError as exc:
                if attempt == self._attempts:
                    raise GitHubError(f"GitHub API {method} {url}: {type(exc).__name__}") from None
                self._sleep(delay)
                delay *= 2
                continue
            if response.status_code >= 500 or self._secondary_limit(response):
                if attempt == self._attempts:
                    raise GitHubError(f"GitHub API {method} {url}: HTTP {response.status_code} after {attempt} attempts")
                retry_after = response.headers.get("retry-after")
                self._sleep(float(retry_after) if retry_after and retry_after.isdigit() else delay)
                delay *= 2
                continue
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _secondary_limit(response: Any) -> bool:
        if response.status_code not in (403, 429):
            return False
        if response.status_code == 429 or response.headers.get("retry-after"):
            return True
        if response.headers.get("x-ratelimit-remaining") == "0":
            return True
        return "rate limit" in response.text.lower()

    def find_comment(self, pr: int, marker: str) -> int | None:
        url: str | None = f"{self.api}/repos/{self.repository}/issues/{pr}/comments?per_page=100"
        while url:
            response = self._request("GET", url)
            if response.status_code != 200:
                raise GitHubError(f"GitHub API GET {url}: HTTP {response.status_code}")
            for comment in response.json():
                if marker in (comment.get("body") or ""):
                    return int(comment["id"])
            url = response.links.get("next", {}).get("url")
        return None

    def upsert(self, pr: int, body: str, marker: str) -> PostResult:
        existing = self.find_comment(pr, marker)
        if existing is None:
            url = f"{self.api}/repos/{self.repository}/issues/{pr}/comments"
            response = self._request("POST", url, json={"body": body})
            action = "created"
        else:
            url = f"{self.api}/repos/{self.repository}/issues/comments/{existing}"
            response = self._request("PATCH", url, json={"body": body})
            action = "updated"
        if response.status_code == 403:
            return PostResult("skipped", existing, url, "the token cannot write comments (a fork's read-only token?); "
                                                        "the summary is printed below instead")
        if response.status_code not in (200, 201):
            raise GitHubError(f"GitHub API {url}: HTTP {response.status_code}")
        data = response.json()
        return PostResult(action, int(data["id"]), data.get("html_url", url))
