"""YAML reading for rulebooks and rule cases: numbers with a fraction become ``Decimal`` (never float),
dates stay text (validated later with a key path), and every mapping key must be unique."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ExactLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """SafeLoader without the float and timestamp resolvers; floats are constructed as Decimal."""


# Drop implicit float and timestamp resolution: such scalars arrive as plain text first.
ExactLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_DECIMAL = re.compile(r"^[-+]?(?:\d[\d_]*)?\.\d[\d_]*(?:[eE][-+]?\d+)?$|^[-+]?\d[\d_]*\.(?:[eE][-+]?\d+)?$")
_DECIMAL_TAG = "tag:innopoints,2025:decimal"


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    text = str(loader.construct_scalar(node)).replace("_", "")
    try:
        return Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the resolver regexp only admits numbers
        raise yaml.constructor.ConstructorError(
            None, None, f"not a number: {text!r}", node.start_mark
        ) from exc


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                "while reading a mapping",
                node.start_mark,
                f"duplicate key {key!r} (重复的键)",
                key_node.start_mark,
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


ExactLoader.add_implicit_resolver(_DECIMAL_TAG, _DECIMAL, list("-+0123456789."))
ExactLoader.add_constructor(_DECIMAL_TAG, _construct_decimal)
ExactLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_exact(text: str) -> Any:
    """Parse YAML text with exact numbers (int or Decimal) and dates left as text."""
    return yaml.load(text, Loader=ExactLoader)


def load_exact_file(path: Path) -> Any:
    return load_exact(path.read_text(encoding="utf-8"))
