"""The classic disentanglement metrics, with disentanglement_lib's definitions and defaults.

Inputs are arrays: ``codes`` (n, d) — the representation (e.g. the encoder mean) of n states — and
``factors`` (n, K), their integer factor values. Two protocols:

- sampled (:func:`metrics`, the default): samples are drawn uniformly from the rows (uniform over
  the world when the rows are every state once); a batch "with factor k fixed" is drawn from the
  rows sharing one value of factor k. Where the rows are fewer than the training and test samples
  together, a seeded third of the states is held out and the test samples come from it alone, so
  that informativeness, SAP and explicitness are measured on states the classifiers never saw
  (:func:`held_out`); disentanglement_lib, on worlds larger than its samples, draws both from all.
  Defaults: 10000 training and 5000 test samples, 20 histogram bins, batches of 64 (Locatello et al.
  2019, arXiv 1811.12359; google-research/disentanglement_lib).
- fixed arrays (:func:`array_metrics`): given train and test arrays, MIG, DCI, SAP, modularity and
  explicitness and IRS are what disentanglement_lib's private array-level functions compute from
  them (``_compute_mig``, ``_compute_dci``, ``_compute_sap``, ``modularity`` and
  ``explicitness_per_factor``, ``scalable_disentanglement_score``), to 1e-9; its classifiers, which
  it leaves unseeded, are seeded (random_state 0). The sampled protocol draws its rows and calls
  these.

- MIG (Chen et al. 2018): mean_k (I(z_(1); v_k) − I(z_(2); v_k)) / H(v_k) over the two latents with
  the largest mutual information, latents discretised into 20 equal-width bins, in nats.
- DCI (Eastwood & Williams 2018): R_jk = |importance| of latent j in a GradientBoostingClassifier for
  factor k; D = Σ_j ρ_j (1 − H_K(R_j·)), C = Σ_k ρ_k (1 − H_J(R_·k)); informativeness = accuracy.
  ``dci_fast``: the same with LightGBM's gain importances, 20× faster on gridworld, approximate (:func:`dci_of`).
- SAP (Kumar et al. 2018): S_jk = test accuracy of LinearSVC(C=0.01, balanced) on latent j alone;
  SAP = mean_k (top1 − top2 over j).
- FactorVAE score (Kim & Mnih 2018): argmin over active latents (std ≥ 0.05) of the variance within
  a batch with factor k fixed, normalised by the global variance; majority-vote accuracy.
- BetaVAE score (Higgins et al. 2017): mean |z₁ − z₂| over 64 pairs sharing factor k, classified by
  LogisticRegression; accuracy.
- Modularity (Ridgeway & Mozer 2018): 1 − (Σ_k m_jk² − max_k m_jk²)/((K − 1) max_k m_jk²) per latent,
  averaged; explicitness: one-vs-rest ROC-AUC of LogisticRegression on standardised latents.
- IRS (Suter et al. 2019): 1 − (99th percentile deviation of z_j within a factor value, averaged
  over values) / max deviation of z_j; max over factors, averaged with weights max deviation.
- Independence (Painter et al. 2020): 1 − mean |cos(Δz_a, Δz_b)| over pairs of factors, Δz_a the
  code change of one step of factor a.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable, Mapping, Sequence

import numpy as np
from scipy.stats import entropy
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import mutual_info_score, roc_auc_score
from sklearn.preprocessing import label_binarize
from sklearn.svm import LinearSVC

from symgroup.errors import EncoderError, InvalidOptionError
from symgroup.numbers import is_integer, is_number


class _Sampler:
    """Uniform rows, and rows sharing a value of one factor, of a (codes, factors) table."""

    def __init__(self, codes: np.ndarray, factors: np.ndarray, rng: np.random.Generator) -> None:
        self.codes, self.factors, self.rng = codes, factors, rng
        self._order = np.argsort(factors, axis=0, kind="stable")  # rows sorted by each factor's value
        self._first = [
            np.searchsorted(factors[order, k], factors[:, k], "left") for k, order in enumerate(self._order.T)
        ]
        self._count = [
            np.searchsorted(factors[order, k], factors[:, k], "right") - first
            for k, (order, first) in enumerate(zip(self._order.T, self._first, strict=True))
        ]

    def rows(self, n: int) -> np.ndarray:
        return self.rng.integers(0, len(self.codes), size=n)

    def split(self, num_train: int, num_test: int) -> tuple[np.ndarray, np.ndarray]:
        """Training and test rows: drawn from every row, as disentanglement_lib does, when there are at
        least num_train + num_test of them; otherwise (a world smaller than the sample, where test rows
        would repeat training states) from a seeded split by state, a third of the rows held out."""
        held = held_out(len(self.codes), num_train, num_test)
        if not held:
            return self.rows(num_train), self.rows(num_test)
        order = self.rng.permutation(len(self.codes))
        test, train = order[:held], order[held:]
        return train[self.rng.integers(0, len(train), num_train)], test[self.rng.integers(0, len(test), num_test)]

    def sharing(self, ks: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """For each i, a uniformly drawn row whose factor ks[i] equals that of rows[i]."""
        ks, rows = np.broadcast_arrays(np.asarray(ks), np.asarray(rows))
        first = np.choose(ks, [f[rows] for f in self._first])
        count = np.choose(ks, [c[rows] for c in self._count])
        return self._order[first + (self.rng.random(rows.shape) * count).astype(np.int64), ks]


def held_out(rows: int, num_train: int = 10000, num_test: int = 5000) -> int:
    """How many of ``rows`` distinct states the sampled protocol keeps for its test rows only: a third
    when there are fewer than num_train + num_test (and at least 3), else none."""
    return rows // 3 if 3 <= rows < num_train + num_test else 0


def _discretise(codes: np.ndarray, bins: int) -> np.ndarray:
    """Each latent into ``bins`` equal-width bins (np.histogram edges and np.digitize)."""
    return np.stack([np.digitize(z, np.histogram(z, bins)[1][:-1]) for z in codes.T], axis=1)


def _mutual_information(discrete: np.ndarray, factors: np.ndarray) -> np.ndarray:
    """m_jk = I(z_j; v_k) in nats, (d, K)."""
    return np.array([[mutual_info_score(f, z) for f in factors.T] for z in discrete.T])


def mig_of(codes: np.ndarray, factors: np.ndarray, bins: int = 20) -> float:
    """MIG of fixed arrays (disentanglement_lib's ``_compute_mig``)."""
    m = _mutual_information(_discretise(codes, bins), factors)
    entropies = np.array([mutual_info_score(f, f) for f in factors.T])
    top = np.sort(m, axis=0)[::-1]
    second = top[1] if len(top) > 1 else np.zeros_like(top[0])
    return float(np.mean(np.divide(top[0] - second, entropies, out=np.zeros_like(entropies), where=entropies > 0)))


def mig(s: _Sampler, num_train: int = 10000, bins: int = 20) -> float:
    rows = s.rows(num_train)
    return mig_of(s.codes[rows], s.factors[rows], bins)


def dci_of(
    train_codes: np.ndarray,
    train_factors: np.ndarray,
    test_codes: np.ndarray,
    test_factors: np.ndarray,
    fast: bool = False,
) -> dict[str, float]:
    """DCI of fixed arrays (disentanglement_lib's ``_compute_dci``, its GBT importances seeded).

    ``fast``: LightGBM in place of scikit-learn's GBT, its settings matched (100 rounds, rate 0.1,
    depth 3, one sample a leaf, no regularisation; 1023 histogram bins) and its total-gain importances
    normalised; the keys then start ``dci_fast_`` — an approximation, which the metric ``dci_fast``
    refuses for factors whose number of values is not in :data:`FAST_DCI_VALUES` (where it is
    measured within 0.03 of the exact values on oracle codes: benchmarks/dci.py, BENCHMARKS.md).
    """
    d, k = train_codes.shape[1], train_factors.shape[1]
    importance, train_acc, test_acc = np.zeros((d, k)), [], []
    for j in range(k):
        importance[:, j], train_predicted, test_predicted = (_lightgbm if fast else _gbt)(
            train_codes, train_factors[:, j], test_codes
        )
        train_acc.append(np.mean(train_predicted == train_factors[:, j]))
        test_acc.append(np.mean(test_predicted == test_factors[:, j]))
    prefix = "dci_fast" if fast else "dci"
    return {
        f"{prefix}_disentanglement": _weighted_one_minus_entropy(importance, k),
        f"{prefix}_completeness": _weighted_one_minus_entropy(importance.T, d),
        f"{prefix}_informativeness_train": float(np.mean(train_acc)),
        f"{prefix}_informativeness_test": float(np.mean(test_acc)),
    }


FAST_DCI_VALUES = (3, 4, 5, 7, 8)  # numbers of factor values where dci_fast is measured within 0.03 (BENCHMARKS.md)


def _measured_range(factors: np.ndarray) -> np.ndarray:
    """``factors``, or :class:`~symgroup.errors.InvalidOptionError` when one's number of values is not in
    FAST_DCI_VALUES."""
    values = [len(np.unique(column)) for column in factors.T]
    if any(v not in FAST_DCI_VALUES for v in values):
        raise InvalidOptionError(
            f"dci_fast is measured within 0.03 of the exact DCI only for factors of "
            f"{', '.join(map(str, FAST_DCI_VALUES))} values; these have {values}: use dci",
            values,
        )
    return factors


Fitted = tuple[np.ndarray, np.ndarray, np.ndarray]  # importances (summing to 1), train and test predictions


def _gbt(codes: np.ndarray, labels: np.ndarray, test_codes: np.ndarray) -> Fitted:
    """disentanglement_lib's classifier: scikit-learn's GradientBoostingClassifier, seeded."""
    model = GradientBoostingClassifier(random_state=0).fit(codes, labels)
    return _normalised(model.feature_importances_), model.predict(codes), model.predict(test_codes)


FAST_GBT = {
    "learning_rate": 0.1,
    "max_depth": 3,
    "num_leaves": 8,
    "min_data_in_leaf": 1,
    "min_gain_to_split": 0.0,
    "lambda_l2": 0.0,
    "max_bin": 1023,
    "seed": 0,
    "num_threads": 1,
    "deterministic": True,
    "force_row_wise": True,
    "metric": "None",
    "verbose": -1,
}


def _lightgbm(codes: np.ndarray, labels: np.ndarray, test_codes: np.ndarray) -> Fitted:
    """LightGBM with :data:`FAST_GBT` (scikit-learn's GBT settings), 100 rounds; its total-gain
    importances. The training predictions are from the scores LightGBM keeps as it boosts (no second pass)."""
    import lightgbm

    classes, targets = np.unique(labels, return_inverse=True)
    binary = len(classes) == 2
    params = {**FAST_GBT, "objective": "binary" if binary else "multiclass", "num_class": 1 if binary else len(classes)}
    booster, kept = lightgbm.train(params, lightgbm.Dataset(codes, targets), 100, keep_training_booster=True), {}

    def keep(scores: np.ndarray, _: object) -> tuple[str, float, bool]:
        kept["train"] = scores
        return "kept", 0.0, True

    booster.eval_train(keep)

    def predicted(probabilities: np.ndarray) -> np.ndarray:
        return classes[(probabilities > 0.5).astype(int) if binary else probabilities.argmax(axis=1)]

    importance = _normalised(booster.feature_importance("gain"))
    return importance, predicted(kept["train"]), predicted(booster.predict(test_codes))


def _normalised(importances: np.ndarray) -> np.ndarray:
    """|importances|, summing to 1 (scikit-learn's do already; LightGBM's total gains are normalised)."""
    raw = np.abs(np.asarray(importances, dtype=np.float64))
    return raw / raw.sum() if raw.sum() > 0 else raw


def dci(s: _Sampler, num_train: int = 10000, num_test: int = 5000) -> dict[str, float]:
    train, test = s.split(num_train, num_test)
    return dci_of(s.codes[train], s.factors[train], s.codes[test], s.factors[test])


def dci_fast(s: _Sampler, num_train: int = 10000, num_test: int = 5000) -> dict[str, float]:
    train, test = s.split(num_train, num_test)
    return dci_of(s.codes[train], _measured_range(s.factors[train]), s.codes[test], s.factors[test], fast=True)


def _weighted_one_minus_entropy(r: np.ndarray, base: int) -> float:
    """Σ_rows ρ_row (1 − H_base(row / Σ row)), ρ_row = Σ row / Σ r."""
    if r.sum() == 0 or base < 2:
        return 0.0
    per_row = 1.0 - entropy(r.T + 1e-11, base=base)
    return float(np.sum(per_row * r.sum(axis=1) / r.sum()))


def sap_of(
    train_codes: np.ndarray, train_factors: np.ndarray, test_codes: np.ndarray, test_factors: np.ndarray
) -> float:
    """SAP of fixed arrays (disentanglement_lib's ``_compute_sap``, discrete factors, the SVCs seeded)."""
    d, k = train_codes.shape[1], train_factors.shape[1]
    scores = np.zeros((d, k))
    for j in range(d):
        for f in range(k):
            model = LinearSVC(C=0.01, class_weight="balanced", random_state=0)
            model.fit(train_codes[:, j : j + 1], train_factors[:, f])
            scores[j, f] = model.score(test_codes[:, j : j + 1], test_factors[:, f])
    top = np.sort(scores, axis=0)
    return float(np.mean(top[-1] - top[-2])) if d > 1 else float(np.mean(top[-1]))


def sap(s: _Sampler, num_train: int = 10000, num_test: int = 5000) -> float:
    train, test = s.split(num_train, num_test)
    return sap_of(s.codes[train], s.factors[train], s.codes[test], s.factors[test])


def factor_vae_score(
    s: _Sampler, num_variance: int = 10000, num_train: int = 10000, num_eval: int = 5000, batch: int = 64
) -> float:
    variances = np.var(s.codes[s.rows(num_variance)], axis=0, ddof=1)
    active = np.sqrt(variances) >= 0.05
    if not active.any():
        return 0.0

    def votes(n: int) -> np.ndarray:
        ks = s.rng.integers(0, s.factors.shape[1], size=n)
        batches = s.sharing(ks[:, None], np.repeat(s.rows(n)[:, None], batch, axis=1))  # (n, batch) rows
        local = np.var(s.codes[batches], axis=1, ddof=1)[:, active] / variances[active]
        counts = np.zeros((s.codes.shape[1], s.factors.shape[1]), dtype=np.int64)
        np.add.at(counts, (np.flatnonzero(active)[np.argmin(local, axis=1)], ks), 1)
        return counts

    classifier = np.argmax(votes(num_train), axis=1)
    evaluation = votes(num_eval)
    return float(evaluation[np.arange(len(classifier)), classifier].sum() / evaluation.sum())


def beta_vae_score(s: _Sampler, num_train: int = 10000, num_eval: int = 5000, batch: int = 64) -> float:
    def points(n: int) -> tuple[np.ndarray, np.ndarray]:
        ks = s.rng.integers(0, s.factors.shape[1], size=n)
        first = s.rows(n * batch).reshape(n, batch)
        second = s.sharing(ks[:, None], first)
        return np.abs(s.codes[first] - s.codes[second]).mean(axis=1), ks

    x_train, y_train = points(num_train)
    x_eval, y_eval = points(num_eval)
    if len(np.unique(y_train)) < 2:
        return 1.0
    model = LogisticRegression(max_iter=1000).fit(x_train, y_train)
    return float(model.score(x_eval, y_eval))


def modularity_explicitness_of(
    train_codes: np.ndarray, train_factors: np.ndarray, test_codes: np.ndarray, test_factors: np.ndarray, bins: int = 20
) -> dict[str, float]:
    """Modularity and explicitness of fixed arrays (disentanglement_lib's ``modularity`` of the binned
    mutual information and ``explicitness_per_factor`` on standardised codes)."""
    m = _mutual_information(_discretise(train_codes, bins), train_factors)
    squared = m**2
    largest = squared.max(axis=1)
    k = squared.shape[1]
    delta = np.divide(squared.sum(axis=1) - largest, largest * (k - 1), out=np.ones_like(largest), where=largest > 0)
    modularity = np.where(largest > 0, 1.0 - delta, 0.0) if k > 1 else np.where(largest > 0, 1.0, 0.0)
    mean, std = train_codes.mean(axis=0), train_codes.std(axis=0)
    std[std == 0] = 1.0
    x_train, x_test = (train_codes - mean) / std, (test_codes - mean) / std
    auc_train, auc_test = [], []
    for f in range(train_factors.shape[1]):
        y_train, y_test = train_factors[:, f], test_factors[:, f]
        classes = np.unique(y_train)
        if len(classes) < 2:
            continue
        with warnings.catch_warnings():  # disentanglement_lib's LogisticRegression(): 100 iterations, as it is
            warnings.simplefilter("ignore", ConvergenceWarning)
            model = LogisticRegression().fit(x_train, y_train)
        auc_train.append(_auc(model, x_train, y_train, classes))
        auc_test.append(_auc(model, x_test, y_test, classes))
    return {
        "modularity": float(np.mean(modularity)),
        "explicitness_train": float(np.mean(auc_train)) if auc_train else 0.0,
        "explicitness_test": float(np.mean(auc_test)) if auc_test else 0.0,
    }


def modularity_explicitness(
    s: _Sampler, num_train: int = 10000, num_test: int = 5000, bins: int = 20
) -> dict[str, float]:
    train, test = s.split(num_train, num_test)
    return modularity_explicitness_of(s.codes[train], s.factors[train], s.codes[test], s.factors[test], bins)


def _auc(model: LogisticRegression, x: np.ndarray, y: np.ndarray, classes: np.ndarray) -> float:
    """One-vs-rest ROC-AUC averaged over classes (labels binarised against the training classes)."""
    truth = label_binarize(y, classes=classes)
    probabilities = model.predict_proba(x)
    if len(classes) == 2:
        truth, probabilities = np.hstack([1 - truth, truth]), probabilities
    present = truth.any(axis=0) & ~truth.all(axis=0)
    return float(roc_auc_score(truth[:, present], probabilities[:, present], average="macro"))


def irs_of(codes: np.ndarray, factors: np.ndarray, bins: int = 20, quantile: float = 0.99) -> float:
    """IRS of fixed arrays (disentanglement_lib's ``scalable_disentanglement_score`` on the binned
    factors and the non-constant latents)."""
    latents, factors = codes[:, codes.var(axis=0) > 0], _discretise(factors.astype(float), bins)
    if not latents.size:
        return 0.0
    max_deviation = np.abs(latents - latents.mean(axis=0)).max(axis=0)
    deviation = np.zeros((latents.shape[1], factors.shape[1]))
    for i, column in enumerate(factors.T):
        values = np.unique(column)
        for v in values:
            group = latents[column == v]
            deviation[:, i] += np.percentile(np.abs(group - group.mean(axis=0)), quantile * 100, axis=0)
        deviation[:, i] /= len(values)
    scores = (1.0 - deviation / max_deviation[:, None]).max(axis=1)
    return float(np.average(scores, weights=max_deviation) if max_deviation.sum() > 0 else np.mean(scores))


def irs(s: _Sampler, num_train: int = 10000, bins: int = 20, quantile: float = 0.99) -> float:
    rows = s.rows(num_train)
    return irs_of(s.codes[rows], s.factors[rows], bins, quantile)


def independence(s: _Sampler, num_train: int = 10000) -> float:
    """1 − mean |cos(Δz_a, Δz_b)|, Δz_a = z(v with factor a one step on, cyclically) − z(v)."""
    sizes = s.factors.max(axis=0) + 1
    position = {tuple(f): i for i, f in enumerate(s.factors.tolist())}
    rows = s.rows(num_train)
    steps = []
    for a in range(s.factors.shape[1]):
        moved = s.factors[rows].copy()
        moved[:, a] = (moved[:, a] + 1) % sizes[a]
        target = np.array([position.get(tuple(f), -1) for f in moved.tolist()])
        steps.append(np.where(target[:, None] >= 0, s.codes[target] - s.codes[rows], np.nan))
    cosines = []
    for a in range(len(steps)):
        for b in range(a + 1, len(steps)):
            norms = np.linalg.norm(steps[a], axis=1) * np.linalg.norm(steps[b], axis=1)
            dots = np.abs((steps[a] * steps[b]).sum(axis=1))
            valid = np.isfinite(dots) & (norms > 0)
            cosines.append(np.mean(dots[valid] / norms[valid]) if valid.any() else 1.0)
    return float(1.0 - np.mean(cosines)) if cosines else 1.0


#: Each classic metric by name, on fixed arrays of codes and factor values.
ARRAY_METRICS: dict[str, Callable[..., float | dict[str, float]]] = {
    "mig": lambda train, test: mig_of(*train),
    "dci": lambda train, test: dci_of(*train, *test),
    "dci_fast": lambda train, test: dci_of(train[0], _measured_range(train[1]), *test, fast=True),
    "sap": lambda train, test: sap_of(*train, *test),
    "modularity_explicitness": lambda train, test: modularity_explicitness_of(*train, *test),
    "irs": lambda train, test: irs_of(*train),
}


OPT_IN = ("dci_fast",)  # computed only when named: it refuses worlds outside its measured range


def array_metrics(
    codes: np.ndarray,
    factors: np.ndarray,
    test_codes: np.ndarray | None = None,
    test_factors: np.ndarray | None = None,
    names: tuple[str, ...] | None = None,
    test_share: float = 1 / 3,
    seed: int = 0,
) -> dict[str, float]:
    """The metrics of :data:`~symgroup.check.classic.ARRAY_METRICS` on fixed arrays, as disentanglement_lib's
    private functions
    compute them from ``mus_train, ys_train[, mus_test, ys_test]`` (its arrays transposed: here a row
    per sample): to reproduce a published number, pass the samples it was computed on. Without test
    arrays the rows are split, a seeded ``test_share`` of them held out (MIG and IRS use the train rows)."""
    train = _arrays(codes, factors, "")
    if test_codes is None and test_factors is None:
        if not 0 < test_share < 1 or len(train[0]) < 2:
            raise InvalidOptionError(
                f"test_share must lie in (0, 1) with two rows or more, got {test_share!r} and {len(train[0])} rows",
                test_share,
            )
        order = np.random.default_rng(seed).permutation(len(train[0]))
        held = order[: max(1, round(test_share * len(order)))]
        kept = order[len(held) :]
        train, test = (train[0][kept], train[1][kept]), (train[0][held], train[1][held])
    else:
        test = _arrays(test_codes, test_factors, "test ")
        if test[0].shape[1] != train[0].shape[1] or test[1].shape[1] != train[1].shape[1]:
            raise EncoderError(
                f"test arrays {test[0].shape}, {test[1].shape} do not match the train arrays' columns "
                f"{train[0].shape}, {train[1].shape}"
            )
    unknown = set(names or ()) - set(ARRAY_METRICS)
    if unknown:
        raise InvalidOptionError(
            f"no array-level metric {sorted(unknown)}; choose from {sorted(ARRAY_METRICS)} "
            "(the others sample batches: use metrics)",
            sorted(unknown),
        )
    out: dict[str, float] = {}
    for name in names or tuple(n for n in ARRAY_METRICS if n not in OPT_IN):
        value = ARRAY_METRICS[name](train, test)
        out.update(value if isinstance(value, dict) else {name: value})
    return out


def _arrays(codes: np.ndarray | None, factors: np.ndarray | None, which: str) -> tuple[np.ndarray, np.ndarray]:
    """Codes (n, d) as float64 and integer factors (n, K), or :class:`EncoderError`."""
    codes, factors = np.asarray(codes, dtype=np.float64), np.asarray(factors)
    if codes.ndim != 2 or factors.ndim != 2 or len(codes) != len(factors) or not len(codes):
        raise EncoderError(
            f"metrics need {which}codes (n, d) and {which}factors (n, K), got {codes.shape} and {factors.shape}"
        )
    if not np.isfinite(codes).all():
        raise EncoderError(f"metrics got NaN or inf {which}codes")
    if constant := [k for k in range(factors.shape[1]) if len(np.unique(factors[:, k])) < 2]:
        raise EncoderError(
            f"{which}factor column {constant[0]} takes one value in all {len(factors)} rows: it carries no "
            "information, so how much of it a code captures is undefined (give rows where every factor varies)",
            constant[0],
        )
    return codes, factors


#: Each classic metric by name, on a world it samples (disentanglement_lib's definitions).
METRICS: dict[str, Callable[[_Sampler], float | dict[str, float]]] = {
    "mig": mig,
    "dci": dci,
    "dci_fast": dci_fast,
    "sap": sap,
    "factor_vae_score": factor_vae_score,
    "beta_vae_score": beta_vae_score,
    "modularity_explicitness": modularity_explicitness,
    "irs": irs,
    "independence": independence,
}


def check_metric_options(names: Sequence[str] | None, options: Mapping[str, float]) -> None:
    """:class:`~symgroup.errors.InvalidOptionError` for a metric name not in
    :data:`~symgroup.check.classic.METRICS`, or an option no metric
    takes or of the wrong kind (each option is a positive integer or number, as its default)."""
    unknown = set(names or ()) - set(METRICS)
    if unknown:
        raise InvalidOptionError(f"unknown metrics {sorted(unknown)}; choose from {sorted(METRICS)}", sorted(unknown))
    defaults = {k: p.default for f in METRICS.values() for k, p in list(inspect.signature(f).parameters.items())[1:]}
    for key, value in options.items():  # options any metric takes; each metric uses those it takes
        if key not in defaults:
            raise InvalidOptionError(f"no metric takes option {key!r}; the options are {sorted(defaults)}", key)
        integral = is_integer(defaults[key])
        if not (is_integer(value) if integral else is_number(value)) or value <= 0:
            what = "a positive integer" if integral else "a positive number"
            raise InvalidOptionError(f"metric option {key} must be {what}, got {value!r}", key)


def metrics(
    codes: np.ndarray, factors: np.ndarray, names: tuple[str, ...] | None = None, seed: int = 0, **options: int
) -> dict[str, float]:
    """The classic metrics (all of :data:`~symgroup.check.classic.METRICS` but the opt-in ``dci_fast``, or
    ``names``) as a flat
    dict of floats.

    ``options`` override the defaults of the metrics that take them (num_train, num_test, num_eval,
    num_variance, bins, batch), e.g. ``metrics(codes, factors, ("dci",), num_train=1000)``.
    """
    check_metric_options(names, options)
    codes, factors = _arrays(codes, factors, "")
    out: dict[str, float] = {}
    for name in names or tuple(n for n in METRICS if n not in OPT_IN):
        accepted = inspect.signature(METRICS[name]).parameters
        value = METRICS[name](
            _Sampler(codes, factors, np.random.default_rng(seed)), **{k: v for k, v in options.items() if k in accepted}
        )
        out.update(value if isinstance(value, dict) else {name: value})
    return out
