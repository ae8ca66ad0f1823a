"""No import cycle anywhere in `vidtask` (issue 18): modules import downward or sideways, never
in a circle. import-linter's layers cannot see a cycle inside one layer; this test can.

Imports under `if TYPE_CHECKING:` count too: a cycle there still couples the modules.
"""

from __future__ import annotations

from functools import cache

import grimp

# Cycles on main when this test was written, each owned by the issue that removes it. A NEW
# cycle fails the test; so does an entry that no longer occurs (delete it: the list only shrinks).
# (issue 18's ui.app <-> ui.main_window <-> ui.coordination cycle is gone: the window emits
# connectRequested and the coordinator dialogs take the context, not the window.)
KNOWN_CYCLES: tuple[frozenset[str], ...] = ()


@cache
def import_cycles(package: str) -> list[frozenset[str]]:
    """Every group of modules that import one another in a circle (strongly connected)."""
    graph = grimp.build_graph(package, cache_dir=None)
    modules = sorted(graph.modules)
    imports = {m: sorted(i for i in graph.find_modules_directly_imported_by(m)
                         if i.startswith(f"{package}.") or i == package) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[frozenset[str]] = []
    for root in modules:  # Tarjan's algorithm, iterative (no recursion limit to worry about)
        if root in index:
            continue
        work = [(root, iter(imports[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(imports[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(frozenset(group))
    return groups


def test_no_import_cycle_in_vidtask() -> None:
    new = [sorted(g) for g in import_cycles("vidtask") if g not in KNOWN_CYCLES]
    assert not new, f"import cycles: {new}"


def test_every_known_cycle_still_exists() -> None:
    found = import_cycles("vidtask")
    gone = [sorted(known) for known in KNOWN_CYCLES if known not in found]
    assert not gone, f"these cycles are gone: delete them from KNOWN_CYCLES: {gone}"


def test_the_cycle_finder_finds_a_cycle(tmp_path, monkeypatch) -> None:
    package = tmp_path / "cyclic_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from cyclic_pkg import b\n")
    (package / "b.py").write_text("from cyclic_pkg import c\n")
    (package / "c.py").write_text("import cyclic_pkg.a\n")
    (package / "d.py").write_text("import cyclic_pkg.a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert import_cycles("cyclic_pkg") == [frozenset({"cyclic_pkg.a", "cyclic_pkg.b",
                                                      "cyclic_pkg.c"})]
