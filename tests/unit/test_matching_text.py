"""Tokenisation, normalisation and char n-grams of the matcher."""

from __future__ import annotations

from innopoints.transfer.matching.knowledge import load_knowledge
from innopoints.transfer.matching.ngrams import corpus_ngrams, decode, text_ngrams
from innopoints.transfer.matching.text import (
    TextAnalyzer,
    default_analyzer,
    make_segmenter,
    normalize,
    plain_analyzer,
    split_clauses,
)


def test_normalize_folds_full_width_and_case() -> None:
    assert normalize("ＡＢＣ　５Ｇ基站，ＬｉＤＡＲ") == "abc 5g基站,lidar"
    assert normalize(None) == ""
    assert normalize("  多个   空格 ") == "多个 空格"


def test_split_clauses_at_chinese_and_ascii_punctuation() -> None:
    assert split_clauses("锂电池，储能；光伏。风电!氢能 (制氢)") == [
        "锂电池",
        "储能",
        "光伏",
        "风电",
        "氢能",
        "制氢",
    ]


def test_domain_terms_stay_one_token_and_stopwords_go() -> None:
    words = default_analyzer().words("我们公司希望寻求一种机器视觉表面缺陷检测的技术")
    assert "机器视觉" in words
    assert "我们" not in words and "希望" not in words and "的" not in words and "技术" not in words


def test_numbers_are_not_words_but_keep_ngram_boundaries() -> None:
    analysed = default_analyzer().analyse("准确率达到98.5%的检测")
    assert not any(w[0].isdigit() for w in analysed.words)
    assert "0" in analysed.content  # digits normalised to a placeholder in the n-gram text


def test_plain_analyzer_keeps_stopwords() -> None:
    assert "我们" in plain_analyzer().words("我们需要电池")
    assert "我们" not in default_analyzer().words("我们需要电池")


def test_clause_cache_counts_hits() -> None:
    analyzer = default_analyzer()
    before = analyzer.cache.hits
    analyzer.analyse("稀土永磁电机的退磁问题")
    analyzer.analyse("稀土永磁电机的退磁问题")
    assert analyzer.cache.hits > before


def test_ngrams_bigrams_and_trigrams_do_not_cross_boundaries() -> None:
    grams = sorted(decode(int(g)) for g in text_ngrams("锂电池 正极"))
    assert grams == sorted(["锂电", "电池", "锂电池", "正极"])
    docs, ids = corpus_ngrams(["ab", "", "视觉"])
    assert sorted(zip(docs.tolist(), (decode(int(i)) for i in ids), strict=True)) == [(0, "ab"), (2, "视觉")]


def test_ngram_ids_of_bigram_and_trigram_never_clash() -> None:
    ids = text_ngrams("一二三")
    assert len(set(ids.tolist())) == 3
    assert {decode(int(i)) for i in ids} == {"一二", "二三", "一二三"}


def test_numbers_share_one_cache_entry_and_do_not_change_words() -> None:
    analyzer = TextAnalyzer(load_knowledge())
    first = analyzer.analyse("电池循环寿命提高30%")
    second = analyzer.analyse("电池循环寿命提高450%")
    assert first.words == second.words
    assert "0" in first.content and "30" not in first.content
    assert len(analyzer.cache) == 1 and analyzer.cache.hits == 1


def test_rust_and_python_jieba_agree_on_the_dev_set() -> None:
    from innopoints.transfer.matching.devset import load_devset

    terms = load_knowledge().dictionary_terms
    fast, reference = make_segmenter(terms, "rjieba"), make_segmenter(terms, "jieba")
    assert (fast.name, reference.name) == ("rjieba", "jieba")
    clauses = [
        c
        for a in load_devset().achievements
        for c in split_clauses(normalize(f"{a.title}，{a.abstract}"))
        if not any(ch.isdigit() for ch in c)
    ]
    same = sum(fast.cut(c) == reference.cut(c) for c in clauses)
    assert len(clauses) > 500
    assert same / len(clauses) >= 0.99


def test_segmenter_choice_is_validated() -> None:
    import pytest

    with pytest.raises(ValueError, match="unknown segmenter"):
        make_segmenter((), "thulac")
    assert TextAnalyzer(load_knowledge(), segmenter="jieba").segmenter_name == "jieba"
