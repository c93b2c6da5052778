r"""Matrix-level Wick (Isserlis) calculus for any dimension ``d``.

Two kinds of Gaussian letters are supported:

* an **outer** letter :math:`S = \frac1n\sum_{a=1}^n x_a x_a^\top` with :math:`x_a` i.i.d.
  :math:`N(0, C)` — the empirical covariance of a prompt;
* a **vector** letter :math:`w \sim N(0, C)` (a ``d × 1`` letter; ``wᵀ`` is its transpose).

The expectation of a word is computed exactly as in Isserlis' theorem, carried out on the
*graph* of the word instead of on indices. Every occurrence of ``S`` is split into two slots
``x_a`` and ``x_aᵀ`` attached to the index nodes on either side of it. The ``n``-fold sum over
the sample labels is organised by the set partition of the occurrences that the labels induce:
a partition with ``b`` blocks is realised by :math:`n(n-1)\cdots(n-b+1)` label assignments, each
weighted by :math:`n^{-m}` for ``m`` occurrences. Within a block the slots are paired in all
ways (Isserlis), each pair contributing a ``C`` edge between the two nodes. Reading the
resulting graph back gives one open path (the matrix part) and closed cycles (traces).

Nothing here knows any result of the paper; identities such as
:math:`E[S B S] = \dots` come out of this procedure.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import product

import sympy as sp

from derivations._tracepoly import Letter, TracePoly
from derivations._validation import InvalidArgument

__all__ = ["Gaussian", "expect", "perfect_matchings", "set_partitions"]


@dataclass(frozen=True)
class Gaussian:
    r"""A Gaussian letter. ``kind='outer'``: :math:`S = \frac1n \sum_a x_a x_a^\top`;
    ``kind='vector'``: the letter itself is :math:`x \sim N(0, C)`. ``cov=None`` means
    :math:`C = I`."""

    letter: Letter
    kind: str = "outer"
    cov: Letter | None = None
    n: sp.Expr = 1

    def __post_init__(self) -> None:
        if self.kind not in ("outer", "vector"):
            raise InvalidArgument(f"kind must be 'outer' or 'vector', got {self.kind!r}")
        if self.kind == "outer" and not self.letter.symmetric:
            raise InvalidArgument(f"outer Gaussian letter {self.letter.name} must be symmetric")
        if self.kind == "vector" and self.letter.cols != 1:
            raise InvalidArgument(f"vector Gaussian letter {self.letter.name} must be a column")
        if self.cov is not None and not self.cov.symmetric:
            raise InvalidArgument(f"covariance letter {self.cov.name} must be symmetric")


def set_partitions(items: Sequence[int]) -> Iterator[list[list[int]]]:
    """All set partitions of ``items`` (Bell-number many)."""
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for part in set_partitions(rest):
        yield [[first], *part]
        for i in range(len(part)):
            yield [*part[:i], [first, *part[i]], *part[i + 1 :]]


def perfect_matchings(items: Sequence[int]) -> Iterator[list[tuple[int, int]]]:
    """All perfect matchings of ``items`` (``(2k-1)!!`` many; none for an odd count)."""
    if not items:
        yield []
        return
    if len(items) % 2:
        return
    first = items[0]
    for i in range(1, len(items)):
        rest = [*items[1:i], *items[i + 1 :]]
        for m in perfect_matchings(rest):
            yield [(first, items[i]), *m]


@dataclass
class _Graph:
    dims: list[sp.Expr]
    edges: list[tuple[int, int, Letter | None]]

    def add_node(self, dim: sp.Expr) -> int:
        self.dims.append(sp.sympify(dim))
        return len(self.dims) - 1


def _falling(n: sp.Expr, b: int) -> sp.Expr:
    out = sp.Integer(1)
    for j in range(b):
        out *= n - j
    return out


def expect(poly: TracePoly, gaussians: Sequence[Gaussian]) -> TracePoly:
    """Exact expectation of ``poly`` over the independent Gaussian letters ``gaussians``."""
    by_name = {g.letter.name: g for g in gaussians}
    if len(by_name) != len(gaussians):
        raise InvalidArgument("each Gaussian letter may be listed once")
    out = TracePoly(poly.shape)
    for (word, traces), coef in poly.terms.items():
        out = out + _expect_term(word, traces, coef, by_name, poly.shape)
    return out


def _expect_term(word, traces, coef, by_name, shape) -> TracePoly:
    g = _Graph([], [])
    ends: tuple[int, int] | None = None
    if word:
        nodes = [g.add_node(word[0].rows)] + [g.add_node(letter.cols) for letter in word]
        for t, letter in enumerate(word):
            g.edges.append((nodes[t], nodes[t + 1], letter))
        ends = (nodes[0], nodes[-1])
    for cyc in traces:
        nodes = [g.add_node(letter.rows) for letter in cyc]
        k = len(cyc)
        for t, letter in enumerate(cyc):
            g.edges.append((nodes[t], nodes[(t + 1) % k], letter))

    # split Gaussian letters into slots: family name -> list of occurrences -> list of nodes
    fixed: list[tuple[int, int, Letter | None]] = []
    occurrences: dict[str, list[list[int]]] = {name: [] for name in by_name}
    for u, v, letter in g.edges:
        gauss = by_name.get(letter.name) if letter is not None else None
        if gauss is None:
            fixed.append((u, v, letter))
        elif gauss.kind == "outer":
            occurrences[letter.name].append([u, v])
        elif letter.transposed:  # xᵀ: row node is 1-dim, slot at the column node
            occurrences[letter.name].append([v])
        else:  # x: slot at the row node
            occurrences[letter.name].append([u])

    # every family contributes (weight, list of added edges) alternatives
    family_options: list[list[tuple[sp.Expr, list[tuple[int, int, Letter | None]]]]] = []
    for name, occs in occurrences.items():
        if not occs:
            continue
        gauss = by_name[name]
        options: list[tuple[sp.Expr, list[tuple[int, int, Letter | None]]]] = []
        m = len(occs)
        if gauss.kind == "outer":
            partitions = set_partitions(list(range(m)))
        else:
            partitions = iter([[list(range(m))]])
        for part in partitions:
            weight = _falling(gauss.n, len(part)) / gauss.n**m if gauss.kind == "outer" else 1
            block_choices = []
            for block in part:
                slots = [node for o in block for node in occs[o]]
                block_choices.append(list(perfect_matchings(slots)))
            for combo in product(*block_choices):
                added = [(a, b, gauss.cov) for matching in combo for a, b in matching]
                options.append((sp.sympify(weight), added))
        if not options:
            return TracePoly(shape)  # an odd moment vanishes
        family_options.append(options)

    out = TracePoly(shape)
    for choice in product(*family_options):
        weight = sp.Integer(1)
        edges = list(fixed)
        for w, added in choice:
            weight *= w
            edges.extend(added)
        factor, open_word, cycles = _read_graph(g.dims, edges, ends)
        out._add_term(open_word, cycles, coef * weight * factor)
    return out


def _read_graph(dims, edges, ends):
    """Decompose a graph of degree ≤ 2 into the open path between ``ends`` and closed words."""
    incident: list[list[int]] = [[] for _ in dims]
    for e, (u, v, _letter) in enumerate(edges):
        incident[u].append(e)
        incident[v].append(e)
    used = [False] * len(edges)
    factor = sp.Integer(1)

    def walk(start: int) -> tuple[list[Letter], int]:
        letters: list[Letter] = []
        node = start
        while True:
            nxt = next((e for e in incident[node] if not used[e]), None)
            if nxt is None:
                return letters, node
            used[nxt] = True
            u, v, letter = edges[nxt]
            if u == node:
                node, piece = v, letter
            else:
                node, piece = u, (letter.T if letter is not None else None)
            if piece is not None:
                letters.append(piece)

    open_word: tuple[Letter, ...] = ()
    if ends is not None:
        letters, last = walk(ends[0])
        if last != ends[1]:
            raise NotImplementedError("expectation leaves a vector-valued open end")
        open_word = tuple(letters)
    cycles: list[tuple[Letter, ...]] = []
    # dangling 1-dim paths (scalar products such as uᵀ C v)
    for node in range(len(dims)):
        if ends is not None and node in ends:
            continue
        if len(incident[node]) == 1 and not used[incident[node][0]]:
            letters, _last = walk(node)
            if letters:
                cycles.append(tuple(letters))
    for node in range(len(dims)):
        if not incident[node]:
            if ends is None or node not in ends:
                factor *= dims[node]  # a free index summed over its range
            continue
        while any(not used[e] for e in incident[node]):
            letters, _last = walk(node)
            if letters:
                cycles.append(tuple(letters))
            else:
                factor *= dims[node]  # a loop of identities: tr(I) = dim
    return factor, open_word, cycles
