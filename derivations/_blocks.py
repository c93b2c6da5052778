r"""Block matrices whose blocks are :class:`~derivations._tracepoly.TracePoly`\s.

The LSA embedding has four row blocks (x, y, w, const) of heights ``d, 1, d, 1``; its columns
split into data columns and iterate columns. Multiplying such block matrices block by block,
with symbolic ``d`` and ``n``, is how the forward pass is derived for every dimension at once.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp

from derivations._tracepoly import TracePoly
from derivations._validation import InvalidArgument

__all__ = ["BlockMatrix"]


class BlockMatrix:
    """A grid of TracePoly blocks (``None`` = a zero block) with row and column block sizes."""

    def __init__(
        self,
        blocks: Sequence[Sequence[TracePoly | None]],
        row_dims: Sequence[sp.Expr],
        col_dims: Sequence[sp.Expr],
    ):
        self.row_dims = [sp.sympify(r) for r in row_dims]
        self.col_dims = [sp.sympify(c) for c in col_dims]
        if len(blocks) != len(self.row_dims) or any(len(r) != len(self.col_dims) for r in blocks):
            raise InvalidArgument("block grid does not match the row/column block sizes")
        self.blocks = [list(r) for r in blocks]
        for i, row in enumerate(self.blocks):
            for j, b in enumerate(row):
                if b is not None and (
                    sp.simplify(b.shape[0] - self.row_dims[i]) != 0
                    or sp.simplify(b.shape[1] - self.col_dims[j]) != 0
                ):
                    raise InvalidArgument(
                        f"block ({i},{j}) has shape {b.shape}, expected "
                        f"({self.row_dims[i]}, {self.col_dims[j]})"
                    )

    def block(self, i: int, j: int) -> TracePoly:
        b = self.blocks[i][j]
        return b if b is not None else TracePoly.zero((self.row_dims[i], self.col_dims[j]))

    def __matmul__(self, other: BlockMatrix) -> BlockMatrix:
        if len(self.col_dims) != len(other.row_dims) or any(
            sp.simplify(a - b) != 0 for a, b in zip(self.col_dims, other.row_dims, strict=True)
        ):
            raise InvalidArgument("block partitions do not conform")
        grid: list[list[TracePoly | None]] = []
        for i in range(len(self.row_dims)):
            row: list[TracePoly | None] = []
            for j in range(len(other.col_dims)):
                acc: TracePoly | None = None
                for k in range(len(self.col_dims)):
                    a, b = self.blocks[i][k], other.blocks[k][j]
                    if a is None or b is None:
                        continue
                    prod = a @ b
                    acc = prod if acc is None else acc + prod
                row.append(None if acc is None or not acc.terms else acc)
            grid.append(row)
        return BlockMatrix(grid, self.row_dims, other.col_dims)

    def __add__(self, other: BlockMatrix) -> BlockMatrix:
        grid = []
        for i in range(len(self.row_dims)):
            row = []
            for j in range(len(self.col_dims)):
                a, b = self.blocks[i][j], other.blocks[i][j]
                row.append(a if b is None else b if a is None else a + b)
            grid.append(row)
        return BlockMatrix(grid, self.row_dims, self.col_dims)

    def scale(self, factor: sp.Expr) -> BlockMatrix:
        grid = [[None if b is None else b.scale(factor) for b in row] for row in self.blocks]
        return BlockMatrix(grid, self.row_dims, self.col_dims)

    @property
    def T(self) -> BlockMatrix:
        grid = [
            [
                None if self.blocks[i][j] is None else self.blocks[i][j].T
                for i in range(len(self.row_dims))
            ]
            for j in range(len(self.col_dims))
        ]
        return BlockMatrix(grid, self.col_dims, self.row_dims)

    def map(self, fn) -> BlockMatrix:
        grid = [[None if b is None else fn(b) for b in row] for row in self.blocks]
        return BlockMatrix(grid, self.row_dims, self.col_dims)
