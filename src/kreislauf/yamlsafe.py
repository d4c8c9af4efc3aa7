"""YAML composition with limits: document size, nesting depth, alias expansion.

PyYAML resolves an alias to the node it names, so a few lines of anchors can stand for a
document of billions of nodes (an "alias bomb"); constructing or printing it exhausts
memory. :func:`compose` composes the node graph (cheap: aliases are shared), then measures
its expanded size and depth without expanding it, and refuses a document beyond the limits
with an :class:`~kreislauf.errors.InputError` naming the file and line.
"""

from __future__ import annotations

import yaml

from kreislauf.errors import InputError

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "compose"]

MAX_BYTES = 2_000_000
"""Largest document read (bytes of text); the shipped files are under 60 KB."""
MAX_DEPTH = 64
"""Deepest nesting of mappings and sequences."""
MAX_NODES = 200_000
"""Most nodes the document may stand for once its aliases are expanded."""


def _measure(root: yaml.Node, file: str) -> None:
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    # iterative post-order over the node graph, each node once (aliases are shared nodes)
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    on_path: set[int] = set()
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            kids = _children(node)
            size[key] = 1 + sum(size[id(k)] for k in kids)
            depth[key] = 1 + max((depth[id(k)] for k in kids), default=0)
            if size[key] > MAX_NODES:
                raise InputError.single(
                    f"the YAML document expands to more than {MAX_NODES:,} nodes (aliases "
                    "repeating aliases?); refused",
                    file=file,
                    row=node.start_mark.line + 1,
                )
            if depth[key] > MAX_DEPTH:
                raise InputError.single(
                    f"the YAML document is nested more than {MAX_DEPTH} levels deep; refused",
                    file=file,
                    row=node.start_mark.line + 1,
                )
            continue
        if key in size:
            continue
        if key in on_path:
            raise InputError.single(
                "the YAML document refers to itself (a recursive alias); refused",
                file=file,
                row=node.start_mark.line + 1,
            )
        on_path.add(key)
        stack.append((node, True))
        for k in _children(node):
            if id(k) not in size:
                stack.append((k, False))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def compose(text: str, file: str, loader: type = yaml.SafeLoader) -> yaml.Node | None:
    """The checked node graph of ``text`` (None for an empty document).

    Raises
    ------
    InputError
        Not valid YAML, more than one document, or beyond :data:`MAX_BYTES`,
        :data:`MAX_DEPTH` or :data:`MAX_NODES`.
    """
    if len(text) > MAX_BYTES:
        raise InputError.single(
            f"the file has {len(text):,} characters; at most {MAX_BYTES:,} are read", file=file
        )
    ld = loader(text)
    try:
        node = ld.get_single_node()
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        problem = getattr(err, "problem", None) or "cannot parse"
        raise InputError.single(
            f"not valid YAML: {str(problem)[:200]}",
            file=file,
            row=None if mark is None else mark.line + 1,
        ) from None
    except RecursionError:
        raise InputError.single(
            f"the YAML document is nested more than {MAX_DEPTH} levels deep; refused", file=file
        ) from None
    finally:
        ld.dispose()
    if node is not None:
        _measure(node, file)
    return node
