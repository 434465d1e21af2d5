"""Character bigrams and trigrams as 64-bit integers, cut for a whole corpus at once with numpy.

A code point needs 21 bits: a bigram is ``c1 << 21 | c2`` (< 2**42) and a trigram is
``c1 << 42 | c2 << 21 | c3`` (≥ 2**42 because c1 > 0), so both share one id space without clashes.
Only digits, Latin letters and CJK ideographs form n-grams; anything else (spaces, punctuation,
masked stop words) is a boundary, so n-grams never cross clauses, stop words or documents.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

_SHIFT = np.uint64(21)
TRIGRAM_FLOOR = 1 << 42

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]


def _wordlike(codes: npt.NDArray[np.uint32]) -> npt.NDArray[np.bool_]:
    return (
        ((codes >= 0x30) & (codes <= 0x39))
        | ((codes >= 0x61) & (codes <= 0x7A))
        | ((codes >= 0x3400) & (codes <= 0x9FFF))
    )


def corpus_ngrams(texts: Sequence[str]) -> tuple[I64, U64]:
    """(document index, n-gram id) for every bigram and trigram occurrence of every text."""
    if not texts:
        return np.zeros(0, np.int64), np.zeros(0, np.uint64)
    joined = "\x00".join(texts) + "\x00"
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    ok = _wordlike(codes)
    wide = codes.astype(np.uint64)
    starts = np.zeros(len(texts), dtype=np.int64)
    lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
    np.cumsum(lengths[:-1], out=starts[1:])
    ok2 = ok[:-1] & ok[1:]
    pos2 = np.flatnonzero(ok2)
    ids2 = (wide[pos2] << _SHIFT) | wide[pos2 + 1]
    ok3 = ok2[:-1] & ok[2:]
    pos3 = np.flatnonzero(ok3)
    ids3 = (wide[pos3] << np.uint64(42)) | (wide[pos3 + 1] << _SHIFT) | wide[pos3 + 2]
    positions = np.concatenate([pos2, pos3])
    docs = np.searchsorted(starts, positions, side="right") - 1
    return docs.astype(np.int64), np.concatenate([ids2, ids3])


def text_ngrams(text: str) -> U64:
    """The n-gram ids of one text (with repeats)."""
    return corpus_ngrams([text])[1]


def decode(ngram_id: int) -> str:
    """The characters of an n-gram id."""
    mask = (1 << 21) - 1
    if ngram_id >= TRIGRAM_FLOOR:
        return chr(ngram_id >> 42) + chr((ngram_id >> 21) & mask) + chr(ngram_id & mask)
    return chr(ngram_id >> 21) + chr(ngram_id & mask)
