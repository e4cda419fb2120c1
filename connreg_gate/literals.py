"""Prefilter keywords for a regex: a set of literals at least one of which occurs in
every match. Found from Python's own regex parse tree, so alternations, groups and
optional parts are handled exactly; None when no such set of 3+ character literals
exists (the caller then runs the regex on every file in scope)."""
from __future__ import annotations

try:  # Python 3.11+
    from re import _constants as C  # type: ignore[attr-defined]
    from re import _parser as P  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as C  # type: ignore[no-redef]
    import sre_parse as P  # type: ignore[no-redef]

MIN_LEN = 3
_ZERO_WIDTH = {C.AT}


def _best(options: list[frozenset[str]]) -> frozenset[str] | None:
    good = [o for o in options if o and min(len(s) for s in o) >= MIN_LEN]
    if not good:
        return None
    # Prefer the set whose shortest literal is longest (most selective), then fewer members.
    return max(good, key=lambda o: (min(len(s) for s in o), -len(o)))


def _seq(items: list[tuple[object, object]]) -> frozenset[str] | None:
    options: list[frozenset[str]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            options.append(frozenset({"".join(run).lower()}))
            run.clear()

    for op, av in items:
        if op is C.LITERAL:
            run.append(chr(av))  # type: ignore[arg-type]
            continue
        if op in _ZERO_WIDTH:
            continue
        flush()
        if op is C.SUBPATTERN:
            sub = _seq(list(av[-1]))  # type: ignore[index]
            if sub:
                options.append(sub)
        elif op is C.BRANCH:
            alts = [_seq(list(alt)) for alt in av[1]]  # type: ignore[index]
            if all(alts):
                options.append(frozenset().union(*alts))  # type: ignore[arg-type]
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
            lo, _hi, inner = av  # type: ignore[misc]
            if lo >= 1:
                sub = _seq(list(inner))
                if sub:
                    options.append(sub)
        elif op is getattr(C, "ATOMIC_GROUP", None):
            sub = _seq(list(av))  # type: ignore[arg-type]
            if sub:
                options.append(sub)
        # IN, ANY, CATEGORY, GROUPREF, ASSERT...: consume something unknown; the run ends.
    flush()
    return _best(options)


def required_literals(pattern: str) -> tuple[str, ...]:
    try:
        tree = P.parse(pattern)
    except Exception:  # noqa: BLE001 - an invalid pattern is reported where it is compiled
        return ()
    found = _seq(list(tree))
    return tuple(sorted(found)) if found else ()
