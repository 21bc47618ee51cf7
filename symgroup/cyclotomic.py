"""Exact arithmetic in the cyclotomic field Q(ζ_N), for exact checks of rotation representations.

Q(ζ_N), ζ_N = exp(2πi/N), is sympy's algebraic field ``QQ.algebraic_field(exp(2πi/N))``: its
elements are polynomials in ζ_N with rational coefficients, reduced modulo the cyclotomic polynomial
Φ_N, so equality is exact. Since cos θ = (ζʲ + ζ⁻ʲ)/2 and sin θ = (ζʲ − ζ⁻ʲ)/(2i) for θ = 2πj/N,
and i = ζ^(N/4) when 4 | N, every rotation by a rational multiple of 2π has exact entries here.
Matrices are :class:`sympy.polys.matrices.DomainMatrix` objects over that field.

>>> rotation_exact(1, 4).to_Matrix()  # the rotation by π/2, over Q(ζ_4) = Q(i)
Matrix([
[0, -1],
[1,  0]])
>>> a, b = rotation_exact(1, 7), rotation_exact(2, 7)
>>> a * b == rotation_exact(3, 7), a * a == rotation_exact(3, 7)
(True, False)
"""

from __future__ import annotations

import math
from functools import cache

import sympy as sp
from sympy.polys.domains import AlgebraicField
from sympy.polys.matrices import DomainMatrix


@cache
def field(n: int) -> AlgebraicField:
    """Q(ζ_n); plain Q for n ≤ 2 (ζ_1 = 1, ζ_2 = −1), where integer matrices live."""
    return sp.QQ if n <= 2 else sp.QQ.algebraic_field(sp.exp(2 * sp.pi * sp.I / n))


@cache
def _zeta(n: int) -> sp.Expr:  # n > 2
    k = field(n)
    return k.from_sympy(k.ext)


def power_of_zeta(j: int, n: int) -> sp.Expr:
    """ζ_nʲ as an element of Q(ζ_n)."""
    return _zeta(n) ** (j % n)


def rotation_exact(j: int, n: int) -> DomainMatrix:
    """R(2πj/n) over Q(ζ_N), N = lcm(n, 4)."""
    big = math.lcm(n, 4)
    k, step = field(big), big // n
    forward, backward = power_of_zeta(step * j, big), power_of_zeta(-step * j, big)
    minus_i_half = -power_of_zeta(big // 4, big) / k(2)  # 1/(2i) = −i/2
    cos, sin = (forward + backward) / k(2), (forward - backward) * minus_i_half
    return DomainMatrix([[cos, -sin], [sin, cos]], (2, 2), k)


def rational_exact(rows: list[list[int]], n: int) -> DomainMatrix:
    """An integer matrix as a matrix over Q(ζ_n)."""
    k = field(n)
    return DomainMatrix([[k(int(v)) for v in row] for row in rows], (len(rows), len(rows[0])), k)


def lift(matrix: DomainMatrix, n: int, big: int) -> DomainMatrix:
    """A matrix over Q(ζ_n) as one over Q(ζ_big), n | big, through ζ_n = ζ_big^(big/n)."""
    if big == n:
        return matrix
    k, step = field(big), big // n
    if field(n) == sp.QQ:
        return matrix.convert_to(k)

    def convert(a: sp.Expr) -> sp.Expr:
        coefficients = a.to_list()[::-1]  # lowest degree first
        return sum((k(c) * power_of_zeta(step * d, big) for d, c in enumerate(coefficients)), k.zero)

    rows = [[convert(a) for a in row] for row in matrix.to_list()]
    return DomainMatrix(rows, matrix.shape, k)
