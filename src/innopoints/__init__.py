"""InnoPoints 科创积分 — a full-chain science and technology innovation platform."""

__version__ = "0.1.0"
