"""Adding and removing documents: each file checked on its own, a refusal never stops the batch."""
from __future__ import annotations

import pytest

from assistant.collection import MAX_NAME_CHARS, add_files, remove_document, safe_name
from assistant.ingest import CorpusError

PLAN = "某县卫生健康工作要点\n\n一、基层服务\n\n（一）家庭医生签约率达到75%。\n".encode("utf-8")
OTHER = "某市卫生工作要点\n\n一、目标\n\n孕产妇系统管理率达到92%。\n".encode("utf-8")


@pytest.mark.parametrize("name", ["../etc/passwd", "a/b.txt", "..", ".hidden.txt", "x\\y.txt", "a\x00.txt",
                                  "a\u202e.txt", "", "   ", "长" * (MAX_NAME_CHARS + 1) + ".txt"])
def test_unsafe_names_are_refused_in_one_line(name):
    with pytest.raises(CorpusError) as refused:
        safe_name(name)
    assert "\n" not in str(refused.value)


def test_a_batch_adds_what_it_can_and_says_why_for_the_rest(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "kept.txt").write_bytes(OTHER)
    outcomes = add_files(corpus, [
        ("plan.txt", PLAN),
        ("../escape.txt", PLAN),
        ("copy.txt", OTHER),  # the same bytes as kept.txt
        ("tool.exe", b"MZ\x90\x00"),
        ("empty.txt", b""),
        ("latin.txt", "caf\xe9".encode("latin-1")),
        ("big.txt", PLAN * 100),
    ], max_bytes=len(PLAN) * 10)
    got = {o.name: (o.status, o.reason) for o in outcomes}
    assert got["plan.txt"] == ("added", "")
    assert got["../escape.txt"][0] == "refused" and "folders" in got["../escape.txt"][1]
    assert got["copy.txt"] == ("refused", "the same bytes as kept.txt, already in the collection")
    assert got["tool.exe"][0] == "refused" and "unsupported format '.exe'" in got["tool.exe"][1]
    assert got["empty.txt"] == ("refused", "empty file")
    assert got["latin.txt"][0] == "refused" and "not UTF-8" in got["latin.txt"][1]
    assert got["big.txt"][0] == "refused" and "over the" in got["big.txt"][1]
    assert sorted(p.name for p in corpus.iterdir()) == ["kept.txt", "plan.txt"]  # nothing else written, nothing lost
    assert (corpus / "kept.txt").read_bytes() == OTHER and (corpus / "plan.txt").read_bytes() == PLAN
    assert not (tmp_path / "escape.txt").exists()


def test_the_same_file_again_is_unchanged_and_new_bytes_replace(tmp_path):
    corpus = tmp_path / "corpus"
    assert add_files(corpus, [("plan.txt", PLAN)])[0].status == "added"
    assert add_files(corpus, [("plan.txt", PLAN)])[0].status == "unchanged"
    assert add_files(corpus, [("plan.txt", OTHER)])[0].status == "replaced"
    assert (corpus / "plan.txt").read_bytes() == OTHER


def test_remove_deletes_one_document_by_name(tmp_path):
    corpus = tmp_path / "corpus"
    add_files(corpus, [("plan.txt", PLAN), ("other.txt", OTHER)])
    assert remove_document(corpus, "plan.txt").status == "removed"
    assert remove_document(corpus, "plan.txt").reason == "no such document in the collection"
    assert remove_document(corpus, "../other.txt").status == "refused"
    assert [p.name for p in corpus.iterdir()] == ["other.txt"]


def test_a_folder_comes_in_with_its_sub_folders_and_passes_over_what_a_scan_passes_over(tmp_path):
    corpus = tmp_path / "corpus"
    outcomes = add_files(corpus, [
        ("转发/2023年/plan.txt", PLAN),
        ("转发/other.txt", OTHER),
        ("转发/2023年/~$plan.docx", b"\x00" * 162),
        ("转发/.DS_Store", b"\x00\x00\x00\x01Bud1"),
        ("转发/.git/HEAD", b"ref: refs/heads/main\n"),
        ("转发/../../escape.txt", PLAN),
    ], folder="县里")
    got = {o.name: (o.status, o.reason) for o in outcomes}
    assert got["县里/转发/2023年/plan.txt"] == ("added", "") and got["县里/转发/other.txt"] == ("added", "")
    assert got["县里/转发/2023年/~$plan.docx"][0] == "skipped" and "temporary file" in got["县里/转发/2023年/~$plan.docx"][1]
    assert got["县里/转发/.DS_Store"] == ("skipped", "hidden file")
    assert got["县里/转发/.git/HEAD"] == ("skipped", "hidden folder")
    assert got["转发/../../escape.txt"][0] == "refused"
    assert (corpus / "县里" / "转发" / "2023年" / "plan.txt").read_bytes() == PLAN
    assert sorted(p.relative_to(corpus).as_posix() for p in corpus.rglob("*") if p.is_file()) == [
        "县里/转发/2023年/plan.txt", "县里/转发/other.txt"]


def test_an_uploaded_folder_s_files_are_matched_to_the_paths_the_browser_sent():
    from assistant.ui.documents import tree_places

    uploaded = ["/tmp/gradio/a1/x.txt", "/tmp/gradio/b2/x.txt", "/tmp/gradio/c3/附件（一）.doc", "/tmp/gradio/d4/lost.pdf"]
    sent = '["县/2021/x.txt", "县/2022/x.txt", "县/附件（一）.doc"]'
    assert tree_places(uploaded, sent) == ["县/2021/x.txt", "县/2022/x.txt", "县/附件（一）.doc", "lost.pdf"]
    assert tree_places(uploaded[:1], "not json") == ["x.txt"]  # nothing usable sent: the file's own name


def test_a_text_file_with_no_visible_text_is_refused_as_the_readme_says(tmp_path):
    """'files with no text' are refused: a .txt of control characters only (which str.strip() keeps) was
    taken and indexed as 200 parts that show nothing; blank lines and format characters alike."""
    from assistant.corpus import scan_library
    from assistant.ui.wording import zh_reason

    controls = bytes(range(1, 9)) * 5000 + b"\x0e\x0f\x1b\x7f" * 1000
    outcomes = add_files(tmp_path / "corpus", [
        ("controls.txt", controls),
        ("blank.txt", " \n\t\r\n\u3000\u200b\ufeff".encode("utf-8") * 100),
        ("plan.txt", PLAN),
    ])
    assert [(o.name, o.status) for o in outcomes] == [("controls.txt", "refused"), ("blank.txt", "refused"),
                                                      ("plan.txt", "added")]
    assert outcomes[0].reason == "no visible text (only blank or control characters); nothing to cite"
    assert zh_reason(outcomes[0].reason) == "没有可见的文字（只有空白或控制字符）；没有可引用的内容"
    (tmp_path / "corpus" / "dropped.txt").write_bytes(controls)  # dropped into the folder: build refuses it too
    from assistant.corpus import load_document

    with pytest.raises(CorpusError, match="no visible text"):
        load_document(tmp_path / "corpus" / "dropped.txt")
    assert [f.name for f in scan_library(tmp_path / "corpus").files] == ["dropped.txt", "plan.txt"]
