"""What the domain learners earn on worlds with a style: each learner on ``styled_gridworld`` with
style and colour independent and correlated (``--correlation``) in the training distribution,
judged on every state by the claim it makes:

- encoders (every learner's ``encode``) by the check with the learner's declared invariance (ADDA,
  UFDN: the style; StarGAN: everything but the style) — does the code ignore it, and are the other
  subgroups split ("split": each its own part, SBD; and each subgroup's own verdict)? β-VAE,
  LSBD-VAE and InfoGAN are checked with every subgroup a part; MIG beside;
- ADDA's classifier by its label accuracy on the target domains' states, beside the source
  encoder's (M_s, frozen since the switch: the source-only baseline adaptation must beat);
- translators (UFDN's decoder, StarGAN, DiscoGAN) by ``check_action`` on the style: the smallest
  share of outputs landing on g·s, keeping the other subgroups, and closing the cycle, and the
  automorphism when it maps consistently the wrong way; and how much of the style's change the
  translator makes in its worst direction ("moved": 1 all of it, 0 none).

DiscoGAN runs on the two-domain world (``styles=2``), the others on three styles.

Run: ``.venv/bin/python benchmarks/domains.py --out runs/domains [--learners adda ufdn stargan
discogan infogan beta_vae lsbd_vae] [--seeds 5] [--steps 3000] [--steps-for lsbd_vae=1500]
[--image-size 64] [--correlation 0.9] [--workers 2]``. Each finished run is a line of
``domains.jsonl``; running it again skips those and resumes unfinished runs. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import torch

from symgroup.check import check, check_action, metrics
from symgroup.check.encoding import encode_states
from symgroup.learn import TrainConfig, train


def judged(run: object) -> dict:
    """The verdicts of a trained run (see the module docstring)."""
    learner, env = run.learner, run.env
    states = env.states()
    codes = encode_states(learner, env, states)
    invariant = tuple(learner.invariant)
    report = check(codes, env, invariant=invariant, validate=False)
    got = {"split": report.passed, "mig": metrics(codes, states, ("mig",))["mig"],
           "subgroups": {name: sub.passed for name, sub in report.sbd.subspaces.items()}}  # fmt: skip
    if invariant:
        got["invariant"] = all(report.sbd.invariances[n].passed for n in invariant)
        got["movement"] = max(report.sbd.invariances[n].movement for n in invariant)
    if hasattr(learner, "classify"):
        target = states[states[:, learner.column] != 0]
        images, labels = torch.from_numpy(env.render(target)), target[:, learner.label_column]
        with torch.no_grad():
            adapted = learner.classify(images).argmax(dim=1).numpy()
            source_only = learner.classifier(learner.source(images)[0]).argmax(dim=1).numpy()
        got["target_accuracy"] = float(np.mean(adapted == labels))
        got["source_only_accuracy"] = float(np.mean(source_only == labels))
    if hasattr(learner, "acts_by"):
        action = check_action(learner.act, env)
        got["moved"] = moved(learner, env, states)
        got |= {"action": action.passed, "identity": action.identity, "hit": min(g.hit for g in action.generators),
                "kept": min(g.kept for g in action.generators), "inverse": min(g.inverse for g in action.generators),
                "automorphism": action.automorphism}  # fmt: skip
    return got


def moved(learner: object, env: object, states: np.ndarray) -> float:
    """How much of the style's change a translator makes, in its worst direction: the smallest over
    source styles of the median over their states of the projection ⟨T(x, g) − x, x(g·s) − x⟩ /
    |x(g·s) − x|² (1: all of it, 0: none — it leaves the image as it is or changes other pixels)."""
    generator = env.group.generators[env.factor_names.index(learner.config.domain)]
    x = env.render(states)
    change = (env.render(env.act(generator, states)) - x).reshape(len(x), -1)
    with torch.no_grad():
        made = (learner.act(torch.from_numpy(x), [generator] * len(x)).numpy() - x).reshape(len(x), -1)
    share = (made * change).sum(axis=1) / (change * change).sum(axis=1)
    style = states[:, env.factor_names.index(learner.config.domain)]
    return float(min(np.median(share[style == v]) for v in np.unique(style)))


def run_one(job: tuple[str, float, int, int, int, Path]) -> dict:
    learner, correlation, seed, steps, size, out = job
    torch.set_num_threads(1)
    options = {"image_size": size, "correlation": correlation, "styles": 2 if learner == "discogan" else 3}
    config = TrainConfig(env="styled_gridworld", env_options=options, learner=learner, steps=steps, seed=seed,
                         checkpoint_every=500)  # fmt: skip
    started = time.perf_counter()
    run = train(config, out / f"{learner}-{size}-rho{correlation}-{seed}", resume=True, progress=False)
    trained = time.perf_counter()
    row = {"learner": learner, "correlation": correlation, "seed": seed, "steps": steps, "size": size, **judged(run)}
    return row | {"train_s": round(trained - started, 1), "check_s": round(time.perf_counter() - trained, 1)}


COLUMNS = ("invariant", "split", "action", "movement", "identity", "moved", "hit", "kept", "inverse",
           "source_only_accuracy", "target_accuracy", "mig")  # fmt: skip


def table(rows: list[dict]) -> str:
    lines = [f"| learner | ρ | {' | '.join(COLUMNS)} | SBD per subgroup | train s |", "|---" * (len(COLUMNS) + 4) + "|"]
    for learner, correlation in dict.fromkeys((r["learner"], r["correlation"]) for r in rows):
        mine = [r for r in rows if (r["learner"], r["correlation"]) == (learner, correlation)]
        cells = []
        for key in COLUMNS:
            if key not in mine[0]:
                cells.append("—")
            elif isinstance(mine[0][key], bool):
                cells.append(f"{sum(r[key] for r in mine)}/{len(mine)}")
            else:
                cells.append(f"{statistics.median(r[key] for r in mine):.3f}")
        parts = ", ".join(f"{n} {sum(r['subgroups'][n] for r in mine)}" for n in mine[0]["subgroups"])
        seconds = statistics.median(r["train_s"] for r in mine)
        lines.append(f"| {learner} | {correlation} | {' | '.join(cells)} | {parts} | {seconds:.0f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("runs/domains"))
    parser.add_argument("--learners", nargs="+",
                        default=["adda", "ufdn", "stargan", "discogan", "infogan", "beta_vae", "lsbd_vae"])  # fmt: skip
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--steps-for", nargs="*", default=["lsbd_vae=1500"], metavar="LEARNER=STEPS")
    parser.add_argument("--image-size", type=int, default=64)
    parser.add_argument("--correlation", type=float, default=0.9, help="the correlated world's ρ (beside ρ = 0)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    steps = {learner: int(n) for learner, n in (s.split("=") for s in args.steps_for)}
    args.out.mkdir(parents=True, exist_ok=True)
    log = args.out / "domains.jsonl"
    rows = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    key = ("learner", "correlation", "seed", "steps", "size")
    done = {tuple(r[k] for k in key) for r in rows}
    jobs = [(learner, rho, s, steps.get(learner, args.steps), args.image_size, args.out)
            for rho in (0.0, args.correlation) for learner in args.learners for s in range(args.seeds)]  # fmt: skip
    with ProcessPoolExecutor(args.workers) as pool, log.open("a") as out:
        for row in pool.map(run_one, [j for j in jobs if j[:5] not in done]):
            print(json.dumps(row), flush=True)
            out.write(json.dumps(row) + "\n")
            out.flush()
            rows.append(row)
    wanted = {j[:5] for j in jobs}
    print(f"\nstyled_gridworld {args.image_size}×{args.image_size}:\n\n"
          f"{table([r for r in rows if tuple(r[k] for k in key) in wanted])}")  # fmt: skip


if __name__ == "__main__":
    main()
