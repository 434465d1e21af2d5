"""BM25F over scipy sparse matrices: one precomputed term-weight matrix, queries are column sums.

For field f with weight w_f, a term's pseudo frequency in document d is
    tf~(d, t) = Σ_f w_f · tf_f(d, t) / (1 − b + b · len_f(d) / avglen_f)
and its weight is idf(t) · tf~ · (k1 + 1) / (tf~ + k1) with idf(t) = ln(1 + (N − df + 0.5) / (df + 0.5))
(df counts documents that have the term in any field; Lucene's non-negative idf). With a single field
of weight 1 this is classic Okapi BM25. The matrix is stored column-wise (CSC) so that scoring a query
touches only the postings of its terms: score(d) = Σ_t q_t · W[d, t].
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class FieldPostings:
    """Occurrences of one field: parallel (document, term) arrays plus each document's length."""

    docs: I64
    terms: I64
    lengths: F64


def postings_from_lists(term_lists: Sequence[Sequence[int]]) -> FieldPostings:
    lengths = np.fromiter((len(t) for t in term_lists), dtype=np.float64, count=len(term_lists))
    docs = np.repeat(np.arange(len(term_lists), dtype=np.int64), lengths.astype(np.int64))
    flat = np.fromiter((t for terms in term_lists for t in terms), dtype=np.int64, count=int(lengths.sum()))
    return FieldPostings(docs, flat, lengths)


class BM25FMatrix:
    """Precomputed BM25F weights W (documents × terms)."""

    def __init__(self, weights: sparse.csc_matrix, df: I64, idf: F64) -> None:
        self.weights = weights
        self.rows = weights.tocsr()  # row access for pseudo-relevance feedback and explanations
        self.df = df
        self.idf = idf
        self.n_docs, self.n_terms = weights.shape

    @classmethod
    def build(
        cls,
        fields: Mapping[str, FieldPostings],
        field_weights: Mapping[str, float],
        n_docs: int,
        n_terms: int,
        *,
        k1: float = 1.2,
        b: float = 0.75,
    ) -> BM25FMatrix:
        total: sparse.csr_matrix | None = None
        for name, post in fields.items():
            weight = float(field_weights.get(name, 1.0))
            if weight <= 0:
                continue
            avg = float(post.lengths.mean()) if len(post.lengths) and post.lengths.mean() > 0 else 1.0
            norm = weight / (1.0 - b + b * post.lengths / avg)
            tf = sparse.csr_matrix(
                (np.ones(len(post.docs)), (post.docs, post.terms)), shape=(n_docs, n_terms)
            )
            tf.sum_duplicates()
            tf.data *= np.repeat(norm, np.diff(tf.indptr))
            total = tf if total is None else total + tf
        if total is None:
            total = sparse.csr_matrix((n_docs, n_terms))
        total.eliminate_zeros()
        df = np.bincount(total.indices, minlength=n_terms).astype(np.int64)
        idf = np.log1p((n_docs - df + 0.5) / (df + 0.5))
        data = total.data
        total.data = idf[total.indices] * data * (k1 + 1.0) / (data + k1)
        csc = total.tocsc()
        csc.sort_indices()
        return cls(csc, df, idf)

    def score(self, terms: I64, query_weights: F64) -> F64:
        """Scores of every document for a query given as (term ids, query-term weights)."""
        out = np.zeros(self.n_docs)
        if len(terms) == 0:
            return out
        indptr = self.weights.indptr
        starts, ends = indptr[terms], indptr[terms + 1]
        sizes = ends - starts
        if sizes.sum() == 0:
            return out
        rows = np.concatenate([self.weights.indices[s:e] for s, e in zip(starts, ends, strict=True)])
        vals = np.concatenate([self.weights.data[s:e] for s, e in zip(starts, ends, strict=True)])
        vals = vals * np.repeat(query_weights, sizes)
        return np.bincount(rows, weights=vals, minlength=self.n_docs).astype(np.float64, copy=False)

    def feedback_terms(self, docs: I64, doc_weights: F64, exclude: I64, count: int) -> tuple[I64, F64]:
        """RM3-style expansion: the ``count`` heaviest terms of the weighted feedback documents,
        without ``exclude``; weights scaled so the heaviest is 1.0."""
        if len(docs) == 0 or count <= 0:
            return np.zeros(0, np.int64), np.zeros(0)
        mass = np.asarray(self.rows[docs].T @ doc_weights).ravel()
        mass[exclude] = 0.0
        top = np.argpartition(-mass, min(count, len(mass) - 1))[:count]
        top = top[mass[top] > 0]
        if len(top) == 0:
            return np.zeros(0, np.int64), np.zeros(0)
        return top.astype(np.int64), mass[top] / mass[top].max()

    def entry(self, doc: int, term: int) -> float:
        """W[doc, term] (0.0 when absent)."""
        start, end = self.weights.indptr[term], self.weights.indptr[term + 1]
        rows = self.weights.indices[start:end]
        pos = int(np.searchsorted(rows, doc))
        if pos < len(rows) and rows[pos] == doc:
            return float(self.weights.data[start + pos])
        return 0.0
