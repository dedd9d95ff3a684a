"""Throughput of whipcount's extraction against bare spaCy ``nlp.pipe``, side by side in one run.

usage: python bench/throughput.py [TEXT_DIR] [--rounds N] [--model NAME] [--chunk N]

Both sides read the same texts; the bare side runs the English model's ``nlp.pipe`` alone, the
whipcount side runs ``process()`` (text repair, the model, whipcount's components, records).

- One loaded model serves both sides: the bare side is whipcount's pipeline with whipcount's
  components switched off and the model's own attribute ruler and lemmatizer switched back on,
  i.e. exactly the model as ``spacy.load`` gives it. Two separately loaded copies of the same
  model differ in speed by up to 7% in one process (an A/A run of two copies, pinned to one
  core, gave 0.93 every round), which would swamp what is measured here.
- The sides take turns chunk by chunk (``--chunk`` texts), so that a slow spell of the machine
  hits both alike; a side's round time is the sum over its chunks. The side that runs a chunk
  second finds its texts in the CPU's caches (an A/A run of the model against itself gave the
  second runner 2-5% a round), so rounds come in pairs: the bare side goes first on every
  chunk of one round and second on every chunk of the other. The ratio reported is the median
  over the pairs of (bare time / whipcount time) summed over the pair.
- Both sides are warmed first on other texts than the timed ones (``--warm-dir``, PolNeAR train
  by default; ``--warm`` texts): word lists and the reported-speech model load on first use,
  and both sides keep per-word caches (the model's lemmatizer, whipcount's attribute and lemma
  stand-ins), which a long run has warm. Warming on other texts keeps the timed texts' own
  words uncached.

Prints articles/s for each side and the ratio (1.0 means whipcount costs nothing extra).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from spacy.language import Language

from whipcount.config import DEFAULT_MODEL, Settings
from whipcount.models import Article
from whipcount.nlp.fastpath import STAND_INS
from whipcount.nlp.pipeline import load_pipeline
from whipcount.process import process

POLNEAR = Path(__file__).resolve().parents[2] / "shared" / "data" / "polnear"
DEFAULT_DIR = POLNEAR / "dev" / "text"
WARM_DIR = POLNEAR / "train" / "text"


@contextmanager
def bare_model(nlp: Language) -> Iterator[Language]:
    """``nlp`` as the English model alone: whipcount's components off, the model's own
    attribute ruler and lemmatizer (which whipcount's stand-ins replace) on; restored after."""
    ours = [n for n in nlp.pipe_names if n.startswith("whipcount_")]
    model_off = [n for n in nlp.disabled if n in STAND_INS]
    for name in ours:
        nlp.disable_pipe(name)
    for name in model_off:
        nlp.enable_pipe(name)
    try:
        yield nlp
    finally:
        for name in model_off:
            nlp.disable_pipe(name)
        for name in ours:
            nlp.enable_pipe(name)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("text_dir", nargs="?", default=str(DEFAULT_DIR))
    ap.add_argument("--rounds", type=int, default=6, help="rounds (rounded up to an even number)")
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--warm-dir", default=str(WARM_DIR), help="texts to warm both sides on (not timed)")
    ap.add_argument("--warm", type=int, default=100, help="how many texts of --warm-dir")
    ap.add_argument("--chunk", type=int, default=16, help="texts a side runs before the other side's turn")
    args = ap.parse_args()
    paths = sorted(Path(args.text_dir).glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in paths]
    articles = [Article(id=p.stem, source=str(p), text=t) for p, t in zip(paths, texts)]
    chars = sum(len(t) for t in texts)
    settings = Settings(model=args.model, batch_size=args.batch_size)
    nlp = load_pipeline(settings.model, settings.components)  # loaded outside the timed part

    def bare(batch: list[str]) -> None:
        with bare_model(nlp):
            for _doc in nlp.pipe(batch, batch_size=args.batch_size):
                pass

    def whipcount(batch: list[Article]) -> None:
        for _rec in process(batch, settings):
            pass

    warm = [p.read_text(encoding="utf-8") for p in sorted(Path(args.warm_dir).glob("*.txt"))[:args.warm]]
    warm = warm or texts[:3]
    bare(warm)
    whipcount([Article(id=f"warm-{i}", source="warm", text=t) for i, t in enumerate(warm)])
    bare_times, wc_times = [], []
    chunks = [range(i, min(i + args.chunk, len(texts))) for i in range(0, len(texts), args.chunk)]
    rounds = args.rounds + args.rounds % 2
    for r in range(rounds):
        b_sum = w_sum = 0.0
        for idx in chunks:
            for side in ("bare", "whipcount") if r % 2 == 0 else ("whipcount", "bare"):
                t0 = time.perf_counter()
                if side == "bare":
                    bare([texts[i] for i in idx])
                    b_sum += time.perf_counter() - t0
                else:
                    whipcount([articles[i] for i in idx])
                    w_sum += time.perf_counter() - t0
        bare_times.append(b_sum)
        wc_times.append(w_sum)
    b, w = statistics.median(bare_times), statistics.median(wc_times)
    ratios = [(bare_times[r] + bare_times[r + 1]) / (wc_times[r] + wc_times[r + 1]) for r in range(0, rounds, 2)]
    print(f"texts={len(texts)} chars={chars:,} rounds={rounds} chunk={args.chunk} model={args.model}")
    print(f"bare nlp.pipe      {len(texts) / b:8.2f} articles/s  ({b:.2f} s median)")
    print(f"whipcount process  {len(texts) / w:8.2f} articles/s  ({w:.2f} s median)")
    print("ratio by round     " + " ".join(f"{x / y:.3f}" for x, y in zip(bare_times, wc_times)))
    print("ratio by pair      " + " ".join(f"{x:.3f}" for x in ratios))
    print(f"THROUGHPUT_RATIO={statistics.median(ratios):.3f}  (bare time / whipcount time, median of"
          " the pairs of rounds; higher is better)")
    print(f"BARE_ARTICLES_PER_S={len(texts) / b:.2f}")
    print(f"WHIPCOUNT_ARTICLES_PER_S={len(texts) / w:.2f}")


if __name__ == "__main__":
    main()
