r"""The LSA forward pass, derived by block-matrix multiplication for symbolic ``d``, ``n``.

Rows of the embedding come in four blocks (x, y, w, const) of heights ``d, 1, d, 1``; columns
in three groups: ``n`` data columns :math:`(x_j, y_j, 0, 0)`, ``p`` earlier iterate columns
:math:`(0, 0, w_l, 1)` and the current column :math:`z = (0, 0, \hat w_i, 1)`. Labels are
:math:`y = X^\top w^*`. The last output column is

.. math:: f(Z)[:, -1] = z + \frac1n V Z (Z^\top W z).

Everything here is exact block algebra on :class:`~derivations._tracepoly.TracePoly` blocks; the
empirical covariance enters only through :math:`X X^\top = n S`.
"""

from __future__ import annotations

import sympy as sp

from derivations._blocks import BlockMatrix
from derivations._cache import disk_cache
from derivations._letters import LETTERS, d, n, p
from derivations._letters import letter_poly as _L
from derivations._tracepoly import Letter, TracePoly

__all__ = [
    "embedding",
    "explicit_embedding",
    "explicit_forward",
    "explicit_gram",
    "explicit_sparse_weights",
    "gram_to_covariance",
    "last_column",
    "next_iterate",
    "next_iterate_explicit",
    "one_step_prediction",
    "sparse_weights",
]

_ONE = sp.Integer(1)
ROWS = [d, _ONE, d, _ONE]


def embedding(
    current: TracePoly | None, *, with_earlier: bool = True
) -> tuple[BlockMatrix, BlockMatrix]:
    """``(Z, z)``: the embedding (data | earlier iterates | current) and its last column.

    ``current`` is the current iterate (``None`` → the zero vector, as for ``w_0 = 0``).

    Paper: the embedding of PAPER.md §1; its last column gives (A.1).
    """
    X, w = _L("X"), _L("w")
    y_row = w.T @ X  # yᵀ = w*ᵀ X
    cur = current  # None: a zero block
    cols = [n, p, _ONE] if with_earlier else [n, _ONE]
    data_col = [X, y_row, None, None]
    earlier_col = [None, None, _L("Wp"), _L("one_p")]
    cur_col = [None, None, cur, TracePoly.scalar(1)]
    groups = [data_col, earlier_col, cur_col] if with_earlier else [data_col, cur_col]
    grid = [[g[r] for g in groups] for r in range(4)]
    Z = BlockMatrix(grid, ROWS, cols)
    z = BlockMatrix([[None], [None], [cur], [TracePoly.scalar(1)]], ROWS, [_ONE])
    return Z, z


def sparse_weights(
    Vt: TracePoly, Wt: TracePoly, w24: sp.Expr = -1
) -> tuple[BlockMatrix, BlockMatrix]:
    """The paper's pattern (3.8): ``V_31 = Ṽ``; ``W_13 = W̃`` and ``W_24 = w24``."""
    V = BlockMatrix([[None] * 4 for _ in range(4)], ROWS, ROWS)
    W = BlockMatrix([[None] * 4 for _ in range(4)], ROWS, ROWS)
    V.blocks[2][0] = Vt
    W.blocks[0][2] = Wt
    W.blocks[1][3] = TracePoly.scalar(w24)
    return V, W


def last_column(V: BlockMatrix, W: BlockMatrix, Z: BlockMatrix, z: BlockMatrix) -> BlockMatrix:
    r""":math:`z + \frac1n V Z (Z^\top (W z))`, associated right to left.

    Paper: f(Z)[:, −1] of PAPER.md §1, the step behind (A.1).
    """
    return z + (V @ (Z @ (Z.T @ (W @ z)))).scale(1 / n)


def gram_to_covariance(
    poly: TracePoly, X: Letter | None = None, S: Letter | None = None
) -> TracePoly:
    """Rewrite every adjacent pair ``X Xᵀ`` (in words and, cyclically, in traces) as ``n S``.

    Raises ``ValueError`` if an ``X`` is left unpaired: the quantity then depends on more than
    the empirical covariance.

    Paper: S = XXᵀ/n of PAPER.md §1.
    """
    X = X or LETTERS["X"]
    S = S or LETTERS["S"]

    def rewrite(word, cyclic):
        out, factor = [], _ONE
        letters = list(word)
        if cyclic and letters and letters[0] == X.T and letters[-1] == X:
            letters = letters[1:] + letters[:1]  # rotate so that the pair is adjacent
        i = 0
        while i < len(letters):
            if letters[i] == X and i + 1 < len(letters) and letters[i + 1] == X.T:
                out.append(S)
                factor *= n
                i += 2
                continue
            if letters[i].name == X.name:
                raise ValueError(f"unpaired {letters[i]!r} in {word}: not a function of S alone")
            out.append(letters[i])
            i += 1
        return tuple(out), factor

    result = TracePoly(poly.shape)
    for (word, traces), coef in poly.terms.items():
        new_word, f = rewrite(word, cyclic=False)
        new_traces = []
        for t in traces:
            nt, ft = rewrite(t, cyclic=True)
            f *= ft
            new_traces.append(nt)
        # an emptied trace is tr(I) of the appropriate size
        factor = _ONE
        kept = []
        for nt in new_traces:
            if nt:
                kept.append(nt)
            else:  # pragma: no cover - cannot happen: S replaces the pair
                factor *= d
        result._add_term(new_word, kept, coef * f * factor)
    return result


# --------------------------------------------------------------------------- derived quantities
@disk_cache
def next_iterate() -> TracePoly:
    r"""The w-block of :math:`f(Z)[:, -1]` for the sparse weights (3.8) with ``p`` earlier
    iterate columns and the current iterate :math:`\hat w_i`, in terms of S (any d, n, p)."""
    V, W = sparse_weights(_L("Vt"), _L("Wt"))
    Z, z = embedding(_L("wi"))
    return gram_to_covariance(last_column(V, W, Z, z).block(2, 0))


@disk_cache
def one_step_prediction() -> TracePoly:
    r""":math:`\hat w_1`: one LSA step from :math:`w_0 = 0` with :math:`\tilde W = I` (any d, n)."""
    V, W = sparse_weights(_L("Vt"), TracePoly.identity(d))
    Z, z = embedding(None, with_earlier=False)
    return gram_to_covariance(last_column(V, W, Z, z).block(2, 0))


def explicit_embedding(X: sp.Matrix, w: sp.Matrix, iterates: list[sp.Matrix]) -> sp.Matrix:
    """The explicit ``(2d+2) × (n+m)`` embedding of tokens ``X`` (d × n, one token per column),
    labels ``y = Xᵀw`` and iterate columns (the last one is the current iterate)."""
    dd, nn = X.shape
    y = X.T * w
    cols = [
        sp.Matrix.vstack(X[:, j], sp.Matrix([[y[j]]]), sp.zeros(dd, 1), sp.zeros(1, 1))
        for j in range(nn)
    ]
    cols += [sp.Matrix.vstack(sp.zeros(dd, 1), sp.zeros(1, 1), v, sp.ones(1, 1)) for v in iterates]
    return sp.Matrix.hstack(*cols)


def explicit_sparse_weights(
    Vt: sp.Matrix, Wt: sp.Matrix, w24: sp.Expr = -1
) -> tuple[sp.Matrix, sp.Matrix]:
    """Explicit ``(2d+2) × (2d+2)`` matrices with the pattern (3.8)."""
    dd = Vt.shape[0]
    D = 2 * dd + 2
    V, W = sp.zeros(D, D), sp.zeros(D, D)
    V[dd + 1 : 2 * dd + 1, 0:dd] = Vt
    W[0:dd, dd + 1 : 2 * dd + 1] = Wt
    W[dd, 2 * dd + 1] = w24
    return V, W


def explicit_forward(Z: sp.Matrix, V: sp.Matrix, W: sp.Matrix, nn: sp.Expr) -> sp.Matrix:
    r"""The whole layer :math:`f(Z) = Z + V Z (Z^\top W Z)/n`, explicitly."""
    return Z + V * Z * (Z.T * W * Z) / nn


def explicit_gram(S: sp.Matrix, w: sp.Matrix, nn: sp.Expr, iterates: list[sp.Matrix]) -> sp.Matrix:
    r""":math:`G = Z Z^\top` from sufficient statistics: data blocks :math:`nS, nSw, n w^\top S w`
    (from :math:`X X^\top = nS`, :math:`y = X^\top w`) plus :math:`\sum_l z_l z_l^\top` over the
    iterate columns :math:`z_l = (0, 0, w_l, 1)`."""
    dd = S.shape[0]
    D = 2 * dd + 2
    G = sp.zeros(D, D)
    G[0:dd, 0:dd] = nn * S
    G[0:dd, dd] = nn * S * w
    G[dd, 0:dd] = (nn * S * w).T
    G[dd, dd] = (nn * w.T * S * w)[0, 0]
    for v in iterates:
        z = sp.Matrix.vstack(sp.zeros(dd + 1, 1), v, sp.ones(1, 1))
        G += z * z.T
    return G


@disk_cache
def next_iterate_explicit(
    dd: int, nn: int = 3, earlier: int = 2
) -> tuple[sp.Matrix, dict[str, sp.Matrix]]:
    """Index level: tokens ``x_j`` (generic symbols), the whole explicit layer on the real
    ``(2d+2) × (n + earlier + 1)`` embedding, w-block of the last column. The substitution maps
    ``S`` to :math:`X X^\\top / n` of the same tokens.

    Paper: the recursion (A.1), ŵ_{i+1} = ŵ_i + Ṽ S (W̃ ŵ_i − w*).
    """
    from derivations._isserlis import generic_matrix, generic_vector

    X = generic_matrix("x", dd, nn)
    w = generic_vector("w", dd)
    wi = generic_vector("wi", dd)
    iterates = [generic_vector(f"u{l}", dd) for l in range(earlier)] + [wi]
    Vt, Wt = generic_matrix("Vt", dd), generic_matrix("Wt", dd)
    V, W = explicit_sparse_weights(Vt, Wt)
    out = explicit_forward(explicit_embedding(X, w, iterates), V, W, nn)
    value = out[dd + 1 : 2 * dd + 1, -1]
    return value, {"Vt": Vt, "Wt": Wt, "S": X * X.T / nn, "w": w, "wi": wi}
