"""Chinese demand ↔ achievement matching: jieba + char n-gram BM25F, synonym concepts, structured re-rank.

Pure core: functions take records (see :mod:`records`), never DB sessions. Entry points are in
:mod:`innopoints.transfer.matching.service`.
"""
