"""Reading a small text file the user wrote (a plan, a CRM map) with one-line errors.

Plan files and map files fail the same ways (missing, a folder, not UTF-8, broken YAML,
a key written twice), and the user should read the same message for each, naming the
file and, for YAML, the line and column.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import InputError


def read_text(path: str | Path, expected: str) -> str:
    """The file's text (UTF-8, a BOM dropped); ``expected`` names what it should be,
    e.g. "a plan file (.yaml or .json)"."""
    p, source = Path(path), str(path)
    if p.is_dir():
        raise InputError(f"{source}: is a directory, expected {expected}")
    try:
        return p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{source}: no such file") from None
    except PermissionError:
        raise InputError(f"{source}: permission denied") from None
    except UnicodeDecodeError:
        raise InputError(f"{source}: not a text file (expected {expected}, in UTF-8)") from None
    except OSError as exc:
        raise InputError(f"{source}: cannot read ({exc.strerror})") from None


def load_yaml(text: str, source: str, *, names_only: bool = False) -> Any:
    """Safe YAML with repeated keys refused and 1e5 read as a number (as YAML 1.2 does).

    ``names_only`` (a CRM map, whose scalars are names) keeps yes/no/on/off and 1e5 as
    the text they are: in a map ``NO: EMEA`` is Norway, not False.
    """
    import yaml

    try:
        return yaml.load(text, Loader=_loader(names_only))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
        raise InputError(f"{where}: invalid YAML: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{source}: invalid YAML: {exc}") from None


def _loader(names_only: bool) -> Any:
    """libyaml's C loader when present (10-20x faster on a long lead log); PyYAML would
    let the last of two equal keys win silently, and reads 1e5 as text (YAML 1.1)."""
    import re

    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[misc, valid-type]
        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            seen: set[Any] = set()
            for key_node, _ in node.value:
                # scalar keys compare by their text: no need to construct them twice
                key = key_node.value if isinstance(key_node.value, str) else id(key_node)
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"the key {key!r} appears twice", key_node.start_mark
                    )
                seen.add(key)
            return super().construct_mapping(node, deep=deep)

    if names_only:
        bool_tag = "tag:yaml.org,2002:bool"
        Loader.yaml_implicit_resolvers = {
            first: [(tag, rx) for tag, rx in rules if tag != bool_tag]
            for first, rules in base.yaml_implicit_resolvers.items()
        }
        return Loader
    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
        list("-+0123456789"),
    )
    return Loader
