"""Every learning method by name: the VAE family and the symmetry-based learners."""

from __future__ import annotations

from symgroup.learn.methods import DIPVAE, DIPVAEII, VAE, AnnealedVAE, BetaTCVAE, BetaVAE, FactorVAE, InfoVAE
from symgroup.learn.symmetry import LSBDVAE, ForwardVAE, Quessard

METHODS: dict[str, type[VAE]] = {
    m.name: m
    for m in (VAE, BetaVAE, AnnealedVAE, FactorVAE, BetaTCVAE, DIPVAE, DIPVAEII, InfoVAE, ForwardVAE, LSBDVAE, Quessard)
}
