"""Dictionary translation of English questions, on made-up entries and on the real dictionary."""
from __future__ import annotations

from assistant.crosslingual import dictionary_path, load_glossary, parse_cedict, singular_forms, translate

ENTRIES = [
    "# CC-CEDICT header line",
    "死亡率 死亡率 [si3 wang2 lu:4] /mortality rate/",
    "孕產婦 孕产妇 [yun4 chan3 fu4] /pregnant and lying-in women/",
    "家庭醫生 家庭医生 [jia1 ting2 yi1 sheng1] /family doctor/",
    "醫生 医生 [yi1 sheng1] /doctor/CL:個|个[ge4]/",
    "簽約 签约 [qian1 yue1] /to sign a contract or agreement/",
    "率 率 [lu:4] /rate/",
]


def test_glosses_map_back_to_simplified_headwords_of_two_or_more_characters():
    glossary = parse_cedict(ENTRIES)
    assert glossary["mortality rate"] == {"死亡率"}
    assert glossary["family doctor"] == {"家庭医生"} and glossary["doctor"] == {"医生"}
    assert "rate" not in glossary  # a single character says too little


def test_longest_phrase_wins_and_only_words_the_corpus_uses_are_kept():
    glossary = parse_cedict(ENTRIES)
    corpus = "家庭医生签约服务覆盖率……孕产妇死亡率降到18/10万"
    assert translate("what is the family doctor plan", glossary, corpus.__contains__) == ["家庭医生"]
    assert translate("maternal mortality rate target", glossary, corpus.__contains__) == ["死亡率"]
    assert translate("doctors", glossary, lambda word: False) == []


def test_plural_forms_are_tried_as_the_dictionary_may_list_them():
    assert singular_forms("centres") == ("centre", "centr")
    assert singular_forms("boxes")[1] == "box" and singular_forms("counties")[0] == "county"
    assert singular_forms("access") == ("access",) and singular_forms("rate") == ("rate",)
    glossary = parse_cedict(ENTRIES)
    assert translate("family doctors", glossary, lambda word: True) == ["家庭医生"]


def test_the_shipped_dictionary_is_found_and_read():
    assert dictionary_path() is not None
    glossary = load_glossary()
    assert "死亡率" in glossary["mortality rate"] and len(glossary) > 50_000


def test_the_dictionary_is_kept_parsed_in_the_cache_and_read_back_alike(tmp_path):
    parsed = parse_cedict(dictionary_path().read_text(encoding="utf-8").splitlines())
    first = load_glossary(tmp_path)  # parsed, then saved
    (saved,) = tmp_path.glob("glossary-*.npz")
    again = load_glossary(tmp_path)  # read back
    assert len(first) == len(again) == len(parsed)
    for gloss in ["mortality rate", "hospital", *list(parsed)[::997]]:
        assert set(again[gloss]) == set(first[gloss]) == parsed[gloss]
    assert again.get("no such gloss here") == () and "no such gloss here" not in again
    saved.write_bytes(b"damaged")
    assert set(load_glossary(tmp_path)["hospital"]) == parsed["hospital"]  # parsed again, not an error
