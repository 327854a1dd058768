"""Members of the text ensemble: each a detector with its own calibration file.

- ``zero_shot_member``: Binoculars / Fast-DetectGPT from the zero-shot detector's per-token
  statistics (its own calibration, ``calibration/zero_shot.json``).
- ``style``: the packaged supervised ``llm-detector`` (style and tokenizer features).
- ``embedding_head``: a logistic head trained here on MiniLM sentence embeddings.
- ``stats_head``: a logistic head trained here on per-token LM statistics (perplexity,
  entropy, log-probability histograms, burstiness across sentences).
"""
