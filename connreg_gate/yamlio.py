"""YAML in and out: safe loads that keep line numbers, round-trip writes, atomic replace.

Reading uses PyYAML's C loader when available (fast, used on the pre-commit path).
Writing a file a human curates uses ruamel.yaml's round-trip mode, imported lazily,
so comments, blank lines and key order survive.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import yaml

from connreg_gate.errors import InputError

try:  # pragma: no cover - depends on how PyYAML was built
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

MAX_YAML_BYTES = 8 * 1024 * 1024
# A document whose aliases expand past this many nodes is an alias bomb.
MAX_EXPANDED_NODES = 200_000


@dataclass(frozen=True)
class LoadedYaml:
    """A parsed YAML document plus its node tree, for file:line:column lookups."""

    path: str
    data: Any
    node: yaml.Node | None

    def position(self, json_path: Iterator[Any] | list[Any] | tuple[Any, ...]) -> tuple[int, int]:
        """1-based (line, column) of the deepest node that exists along ``json_path``."""
        node = self.node
        line, col = (1, 1)
        if node is not None:
            line, col = node.start_mark.line + 1, node.start_mark.column + 1
        for part in json_path:
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(part):
                        line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                        node = value_node
                        break
                else:
                    return line, col
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                node = node.value[part]
                line, col = node.start_mark.line + 1, node.start_mark.column + 1
            else:
                return line, col
        if node is not None and json_path:
            # Fully resolved: point at the value itself, as compilers do.
            line, col = node.start_mark.line + 1, node.start_mark.column + 1
        return line, col


def _check_nodes(path: str, root: yaml.Node) -> None:
    """Reject duplicate mapping keys and alias bombs, naming the line."""
    sizes: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        sizes[key] = 1  # guards against recursive aliases
        total = 1
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    if key_node.value in seen:
                        raise InputError(
                            f"{path}:{key_node.start_mark.line + 1}:{key_node.start_mark.column + 1}: "
                            f"duplicate key {key_node.value!r} (first at line {seen[key_node.value]})"
                        )
                    seen[key_node.value] = key_node.start_mark.line + 1
                total += size(key_node) + size(value_node)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                total += size(item)
        if total > MAX_EXPANDED_NODES:
            raise InputError(
                f"{path}:{node.start_mark.line + 1}: document expands to more than "
                f"{MAX_EXPANDED_NODES} nodes through aliases; refusing to load it"
            )
        sizes[key] = total
        return total

    size(root)


def read_text(path: str | os.PathLike[str], max_bytes: int = MAX_YAML_BYTES) -> str:
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise InputError(f"{p}: file is {size} bytes, over the {max_bytes}-byte limit for YAML input")
        raw = p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{p}: is a directory, expected a YAML file") from None
    except PermissionError:
        raise InputError(f"{p}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{p}: cannot read: {exc.strerror or exc}") from None
    if b"\x00" in raw:
        raise InputError(f"{p}: binary file (contains NUL bytes), expected YAML text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"{p}:{line}: not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})") from None


def loads(text: str, path: str, error: type[InputError] = InputError) -> LoadedYaml:
    """Parse one YAML document safely; errors name path:line:column."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else path
        raise error(f"{where}: invalid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise error(f"{path}: invalid YAML: {exc}") from None
    if node is None:
        return LoadedYaml(path, None, None)
    try:
        _check_nodes(path, node)
    except InputError as exc:
        raise error(str(exc)) from None
    loader = _Loader("")
    try:
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else path
        raise error(f"{where}: invalid YAML: {exc.problem}") from None
    finally:
        loader.dispose()
    return LoadedYaml(path, data, node)


def load(path: str | os.PathLike[str], error: type[InputError] = InputError) -> LoadedYaml:
    try:
        text = read_text(path)
    except InputError as exc:
        raise error(str(exc)) from None
    return loads(text, str(path), error)


def atomic_write(path: str | os.PathLike[str], text: str) -> None:
    """Replace ``path`` with ``text`` atomically, keeping the file's permissions."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.chmod(tmp, target.stat().st_mode & 0o7777)
        except FileNotFoundError:
            os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def dump_plain(data: Any) -> str:
    """Deterministic block YAML for reports (not for curated files)."""
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(data, Dumper=dumper, sort_keys=False, default_flow_style=False, allow_unicode=True, width=120)


def round_trip():  # type: ignore[no-untyped-def]
    """A ruamel.yaml round-trip instance configured for the registry's house style."""
    from ruamel.yaml import YAML

    rt = YAML(typ="rt")
    rt.preserve_quotes = True
    rt.width = 4096
    rt.indent(mapping=2, sequence=4, offset=2)
    return rt
