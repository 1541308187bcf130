"""The engine's modules import each other without circles (pipeline.py reads top to bottom only
if its steps do not reach back into it), counting imports inside functions too."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "wijknieuws"


def imports_of(path: Path) -> set[str]:
    """The sibling modules a module imports anywhere in it (relative imports: `from .x import y`)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
    return found


def test_the_import_graph_has_no_cycles():
    graph = {path.stem: imports_of(path) for path in PACKAGE.glob("*.py")}
    cycles, state = [], {}

    def visit(module: str, trail: list[str]) -> None:
        state[module] = "open"
        for other in sorted(graph.get(module, ())):
            if state.get(other) == "open":
                cycles.append(" -> ".join(trail[trail.index(other):] + [other]))
            elif other not in state:
                visit(other, trail + [other])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_a_command_starts_without_what_only_some_builds_need():
    """Every command imports the engine; what only a build with a pool of workers, an e-mail or
    a sitemap index needs is imported where it is used (each of these cost start-up 5-13 ms)."""
    import subprocess
    import sys

    check = ("import sys, wijknieuws.cli, wijknieuws.pipeline; "
             "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
             "{'multiprocessing', 'concurrent', 'email', 'css_inline', 'urllib', 'http', 'ctypes'} "
             "and m not in ('urllib', 'urllib.parse'))))")
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True)
    assert done.stdout.split() == []
