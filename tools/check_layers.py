"""Check that spacy_pretagged's imports follow its layers: no cycle, no import upward.

The layers follow the data (docs/layout.md): pure formats → tag tables → Doc keys and
serialization helpers → tokenizer → components → corpus reader and exports → pipeline
building → distributed conversion → command line. A module may import modules of its own
layer or below; every import is counted, also those inside functions (a lazy import upward
is still an upward dependency), except imports under `if TYPE_CHECKING:`.

    python tools/check_layers.py          # prints the graph by layer; exit 1 on a violation

The standard library's `ast` reads the sources; nothing is imported or run.
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path
from typing import Dict, Iterator, List, Set, Tuple

PACKAGE = "spacy_pretagged"
ROOT = Path(__file__).resolve().parent.parent / PACKAGE

#: Module (or package prefix) → layer, lowest first. The first matching prefix wins.
LAYERS: List[Tuple[str, int]] = [
    ("about", 0),
    ("stop_signals", 0),  # signals held back across create-then-clean-up steps
    ("export.outputs", 0),  # safe outputs: standard library only, for export/, distributed/, cli
    ("formats.records", 1),
    ("formats.settings", 1),
    ("formats.stream", 2),
    ("formats.glued", 2),
    ("formats.spaced", 2),
    ("formats.detect", 3),
    ("formats.reader", 4),
    ("formats.write", 4),
    ("formats", 5),  # formats/__init__: the package's public names
    # Above the tables it scores (listed first: the first matching prefix wins).
    ("tagsets.detect", 7),
    ("tagsets", 6),
    ("doc_keys", 7),
    ("serialize", 7),
    ("segmenter", 7),
    ("tokenizer", 8),
    ("component", 8),
    ("sentencizer", 8),
    ("mapper", 9),
    ("entities", 9),
    ("corpus", 10),
    ("export.arrays", 10),
    ("export.docbin", 10),
    ("export.jsonl", 10),
    ("export.conllu", 10),
    ("export.pretagged", 10),
    ("export.files", 11),
    ("export", 12),
    ("pipeline", 13),
    ("distributed.plan", 14),
    ("distributed.worker", 15),
    ("distributed.client", 16),
    ("distributed.pool", 16),
    ("distributed", 17),
    ("cli_process", 18),  # one-line errors, signals, ending spaCy's workers: for cli
    # The cli package (docs/layout.md): _util (the app, shared options), one module per
    # command, convert_engines; one layer, so they import each other (never in a cycle).
    ("cli", 18),
    ("spacy_cli", 19),
    ("__main__", 19),
    ("", 20),  # the package's __init__: the public API, imports lazily from anywhere
]


def layer(module: str) -> int:
    for prefix, rank in LAYERS:
        if module == prefix or module.startswith(prefix + ".") or prefix == "":
            return rank
    raise AssertionError(module)


def modules(root: Path = ROOT) -> Dict[str, Path]:
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _type_checking_only(tree: ast.AST) -> Set[int]:
    """Line numbers of imports under `if TYPE_CHECKING:`."""
    lines: Set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in ast.walk(node):
                if isinstance(child, (ast.Import, ast.ImportFrom)):
                    lines.add(child.lineno)
    return lines


def imports(module: str, path: Path, known: Set[str]) -> Iterator[str]:
    """The package's modules that `module` imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_only(tree)
    parts = module.split(".") if module else []
    package = parts if path.name == "__init__.py" else parts[:-1]
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skip:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(PACKAGE + ".") or alias.name == PACKAGE:
                    yield alias.name[len(PACKAGE) + 1:]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1] if node.level > 1 else package
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module and (node.module == PACKAGE
                                  or node.module.startswith(PACKAGE + ".")):
                target = node.module[len(PACKAGE) + 1:]
            else:
                continue
            # `from . import tagsets` imports the module tagsets, not a name of `.`.
            for alias in node.names:
                sub = f"{target}.{alias.name}" if target else alias.name
                yield sub if sub in known else target


def cycles(graph: Dict[str, Set[str]]) -> List[List[str]]:
    """Every strongly connected group of more than one module (Tarjan)."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    on_stack: Set[str] = set()
    found: List[List[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def main(root: Path = ROOT) -> int:
    found = modules(root)
    known = set(found)
    graph = {m: {t for t in imports(m, p, known) if t != m} for m, p in found.items()}
    problems = []
    for module, targets in sorted(graph.items(), key=lambda kv: (layer(kv[0]), kv[0])):
        shown = ", ".join(sorted(targets)) or "-"
        print(f"{layer(module):2d} {module or '(package)'}: {shown}")
        for target in targets:
            if target not in known:
                problems.append(f"{module} imports {target}, which is no module of the package")
            elif layer(target) > layer(module):
                problems.append(f"{module} (layer {layer(module)}) imports {target} "
                                f"(layer {layer(target)}), which is above it")
    for group in cycles(graph):
        problems.append(f"import cycle: {' -> '.join(group)}")
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    print(f"{len(graph)} modules, {sum(map(len, graph.values()))} imports, "
          f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
