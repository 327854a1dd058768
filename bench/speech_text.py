"""Speech against caption, measured on the shared data's clips that carry their spoken
sentence: each clip against its own sentence (should match) and against another clip's
sentence (a swapped caption: should not). Prints AUROC of the MiniLM similarity and of the
word overlap, and the outcome rates at the shipped cuts.

    .venv/bin/python bench/speech_text.py [--limit 40] [--data ../shared/data/audio]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def auroc(pos: list[float], neg: list[float]) -> float:
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def main() -> None:
    from detection.engine.fusion.speech_pairs import spoken_clips
    from detection.engine.fusion.speech_text import Embedder, Transcriber, compare

    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "audio")
    parser.add_argument("--limit", type=int, default=40)
    args = parser.parse_args()
    clips = spoken_clips(args.data)[: args.limit]
    if len(clips) < 2:
        sys.exit(f"no clips with their spoken text under {args.data}")
    transcriber, embedder = Transcriber(threads=2), Embedder()
    started = time.perf_counter()
    transcripts = [transcriber.transcribe(c.path) for c in clips]
    per_clip = (time.perf_counter() - started) / len(clips)
    own, swapped = [], []
    for k, (clip, transcript) in enumerate(zip(clips, transcripts, strict=True)):
        other = clips[(k + len(clips) // 2) % len(clips)]
        own.append(compare(transcript, clip.text, embedder))
        swapped.append(compare(transcript, other.text, embedder))
    sims = ([c.similarity or 0.0 for c in own], [c.similarity or 0.0 for c in swapped])
    heard = (
        [c.caption_words_heard or 0.0 for c in own],
        [c.caption_words_heard or 0.0 for c in swapped],
    )

    def rate(checks: list, outcome: str) -> str:
        return f"{sum(c.outcome == outcome for c in checks) / len(checks):.3f}"

    print(
        f"clips: {len(clips)} (real {sum(c.label == 'real' for c in clips)}, synthetic "
        f"{sum(c.label == 'synthetic' for c in clips)}); transcription {per_clip:.2f} s/clip"
    )
    print(
        f"AUROC own vs swapped caption: MiniLM similarity {auroc(*sims):.3f}, "
        f"caption words heard {auroc(*heard):.3f}"
    )
    print(
        f"own caption:     match {rate(own, 'match')}, unclear {rate(own, 'unclear')}, "
        f"contradiction {rate(own, 'contradiction')}"
    )
    print(
        f"swapped caption: match {rate(swapped, 'match')}, unclear {rate(swapped, 'unclear')}, "
        f"contradiction {rate(swapped, 'contradiction')}"
    )


if __name__ == "__main__":
    main()
