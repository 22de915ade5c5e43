"""An office's folder as it lies: sub-folders, legacy formats, copies, files that are not documents.

Real published files throughout (tests/fixtures/real-library), read by the real readers (LibreOffice for
.doc and .xls), indexed with the real model.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from assistant.config import Config
from assistant.corpus import scan_library
from assistant.ingest import extract, sniffed_suffix
from assistant.ingest.convert import sheet_lines, soffice
from assistant.models import collection_of, in_collection

LIBRARY = Path(__file__).parent / "fixtures" / "real-library"
C_PEPTIDE = LIBRARY / "2018-01-16" / "C-肽测定试剂注册技术审查指导原则.doc"
COLLAGEN = LIBRARY / "2023-05-23" / "重组胶原蛋白创面敷料注册审查指导原则.docx"
CAGE = LIBRARY / "2015-11-27" / "椎间融合器技术审查指导原则（征求意见稿）.pdf"
CONTACTS = LIBRARY / "2018-10-08" / "未获取产品名-指导原则..xls"

needs_libreoffice = pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")


def office_tree(root: Path) -> Path:
    """A health commission's folder: documents two and three folders deep, and what else such folders hold."""
    shutil.copy(C_PEPTIDE, _mkdir(root / "法规库" / "上位法规") / C_PEPTIDE.name)
    shutil.copy(COLLAGEN, _mkdir(root / "法规库" / "本地文件" / "公共卫生组") / COLLAGEN.name)
    shutil.copy(CAGE, _mkdir(root / "案例库" / "各地实践") / CAGE.name)
    shutil.copy(COLLAGEN, root / "案例库" / "各地实践" / "敷料指导原则-副本.docx")  # the same bytes again
    (root / "法规库" / "~$C-肽测定试剂.doc").write_bytes(b"\x00" * 162)  # Word's lock file while it is open
    (root / "案例库" / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (root / "案例库" / "2019年汇编.zip").write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    (root / "案例库" / "签到表.xyz").write_bytes(b"not a document")
    _mkdir(root / ".git").joinpath("HEAD").write_text("ref: refs/heads/main\n")
    return root


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def test_a_tree_is_read_recursively_and_what_is_not_read_says_why(tmp_path):
    library = scan_library(office_tree(tmp_path))
    assert [f.name for f in library.files] == [
        "案例库/各地实践/敷料指导原则-副本.docx",
        "案例库/各地实践/椎间融合器技术审查指导原则（征求意见稿）.pdf",
        "法规库/上位法规/C-肽测定试剂注册技术审查指导原则.doc",
        "法规库/本地文件/公共卫生组/重组胶原蛋白创面敷料注册审查指导原则.docx",
    ]
    reasons = {s.name: s.reason for s in library.skipped}
    assert reasons[".git/"] == "hidden folder"
    assert "temporary file Office keeps" in reasons["法规库/~$C-肽测定试剂.doc"]
    assert reasons["案例库/.DS_Store"] == "hidden file"
    assert "archive: unpack it" in reasons["案例库/2019年汇编.zip"]
    assert "unsupported format '.xyz'" in reasons["案例库/签到表.xyz"]


def test_collections_are_the_folders_a_document_lies_in():
    assert collection_of("法规库/本地文件/公共卫生组/x.docx") == "法规库 › 本地文件 › 公共卫生组"
    assert collection_of("000_a7ee23972fa017a8.txt") == ""
    assert in_collection("法规库/本地文件/公共卫生组/x.docx", "法规库 › 本地文件")
    assert in_collection("法规库/本地文件/公共卫生组/x.docx", "法规库/本地文件/")
    assert not in_collection("法规库/本地文件/公共卫生组/x.docx", "法规")  # whole folder names, not prefixes of them
    assert not in_collection("案例库/x.pdf", "法规库")


@needs_libreoffice
def test_an_office_tree_builds_answers_and_filters_by_collection(tmp_path, real_embedder):
    from assistant.index import build_index
    from assistant.service import Assistant, InvalidQuestion

    config = Config(corpus_dir=office_tree(tmp_path / "library"), index_dir=tmp_path / "index", cache_dir=tmp_path / "cache")
    index, _ = build_index(config, lambda: real_embedder, progress=False)
    assert sorted(index.documents) == [  # of two copies, the first by name
        "案例库/各地实践/敷料指导原则-副本.docx",
        "案例库/各地实践/椎间融合器技术审查指导原则（征求意见稿）.pdf",
        "法规库/上位法规/C-肽测定试剂注册技术审查指导原则.doc",
    ]
    copy = index.manifest.refused["法规库/本地文件/公共卫生组/重组胶原蛋白创面敷料注册审查指导原则.docx"]
    assert copy["duplicate_of"] == "案例库/各地实践/敷料指导原则-副本.docx"

    assistant = Assistant(config, index, real_embedder)
    assert assistant.collections() == ["案例库", "案例库 › 各地实践", "法规库", "法规库 › 上位法规"]
    question = "产品的储存条件和有效期有什么要求？"
    for folder in ("法规库 › 上位法规", "法规库", "案例库/各地实践"):
        answer = assistant.ask(question, collection=folder)
        assert answer.citations and all(in_collection(c.source, folder) for c in answer.citations)
    whole = assistant.ask(question)
    assert {collection_of(c.source).split(" › ")[0] for c in whole.citations} <= {"法规库", "案例库"}
    cited = whole.citations[0].to_json()
    assert cited["collection"] == collection_of(cited["source"])
    with pytest.raises(InvalidQuestion, match="没有“人事处”这个文件夹"):
        assistant.ask(question, collection="人事处")


@needs_libreoffice
def test_the_copy_goes_when_its_original_does_and_then_it_is_indexed(tmp_path, real_embedder):
    from assistant.index import build_index

    tree = office_tree(tmp_path / "library")
    config = Config(corpus_dir=tree, index_dir=tmp_path / "index", cache_dir=tmp_path / "cache")
    build_index(config, lambda: real_embedder, progress=False)
    (tree / "案例库" / "各地实践" / "敷料指导原则-副本.docx").unlink()
    index, embedded = build_index(config, lambda: real_embedder, progress=False)
    kept = "法规库/本地文件/公共卫生组/重组胶原蛋白创面敷料注册审查指导原则.docx"
    assert kept in index.documents and kept not in index.manifest.refused
    assert embedded > 0  # its clauses are new rows (its copy's are gone)


@needs_libreoffice
def test_a_doc_saved_again_as_docx_is_one_document(tmp_path, real_embedder):
    """An office keeps the .doc it received and the .docx it saved from it: one text, indexed once."""
    from assistant.index import build_index

    folder = _mkdir(tmp_path / "library" / "2018")
    shutil.copy(C_PEPTIDE, folder / C_PEPTIDE.name)
    subprocess.run([soffice(), "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "docx",
                    "--outdir", str(folder), str(folder / C_PEPTIDE.name)], check=True, capture_output=True, timeout=120)
    config = Config(corpus_dir=tmp_path / "library", index_dir=tmp_path / "index", cache_dir=tmp_path / "cache")
    index, _ = build_index(config, lambda: real_embedder, progress=False)
    assert list(index.documents) == ["2018/C-肽测定试剂注册技术审查指导原则.doc"]
    assert index.manifest.refused["2018/C-肽测定试剂注册技术审查指导原则.docx"]["reason"] == \
        "the same text as 2018/C-肽测定试剂注册技术审查指导原则.doc"


@needs_libreoffice
def test_word_97_files_keep_their_numbering_and_tables(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAN_CACHE", str(tmp_path))
    text = extract(C_PEPTIDE.name, C_PEPTIDE.read_bytes()).text
    assert "C-肽测定试剂注册技术审查指导原则" in text.lstrip().splitlines()[:2]  # under its 附件5 mark
    assert "一、适用范围" in text and "二、注册申报资料要求" in text
    assert "（一）综述资料" in text  # Word's automatic list numbers written out, as for .docx
    assert (tmp_path / "converted").is_dir() and any((tmp_path / "converted").glob("*.docx"))  # kept for the next read


@needs_libreoffice
def test_a_spreadsheet_row_names_its_column_headers(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAN_CACHE", str(tmp_path))
    lines = extract(CONTACTS.name, CONTACTS.read_bytes()).text.splitlines()
    rows = [line for line in lines if "：" in line and "；" in line]
    assert rows, lines[:5]
    header = next(line for line in lines if "；" in line and "：" not in line)
    first = header.split("；")[0]
    assert all(row.startswith(first + "：") or "：" in row.split("；")[0] for row in rows)


def test_sheet_rows_without_a_header_stand_as_they_are():
    assert sheet_lines([["联系方式"], ["序号", "指导原则", "联系人"], ["1", "胰岛素", "张三"], ["注：以上为2018年"]]) == [
        "联系方式", "序号；指导原则；联系人", "序号：1；指导原则：胰岛素；联系人：张三", "注：以上为2018年"]


def test_files_are_read_as_what_they_are_not_what_they_are_called():
    assert sniffed_suffix(CAGE.read_bytes()) == ".pdf"
    assert sniffed_suffix(C_PEPTIDE.read_bytes()) == ".doc"
    assert sniffed_suffix(CONTACTS.read_bytes()) == ".xls"
    assert sniffed_suffix(COLLAGEN.read_bytes()) == ".docx"
    assert sniffed_suffix(b"{\\rtf1\\ansi ...}") == ".rtf"
    assert sniffed_suffix("\ufeff<!DOCTYPE html><html>".encode()) == ".html"
    assert sniffed_suffix("一、总体要求".encode()) is None


@needs_libreoffice
def test_a_pdf_named_without_its_extension_and_a_doc_named_docx_are_read(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAN_CACHE", str(tmp_path / "cache"))
    shutil.copy(CAGE, tmp_path / "椎间融合器技术审查指导原则（征求意见稿")  # a name cut before its extension
    shutil.copy(C_PEPTIDE, tmp_path / "C-肽.docx")  # an old Word file renamed
    names = [f.name for f in scan_library(tmp_path).files]
    assert "椎间融合器技术审查指导原则（征求意见稿" in names and "C-肽.docx" in names
    assert "椎间融合器" in extract("椎间融合器技术审查指导原则（征求意见稿", CAGE.read_bytes()).text
    assert "C-肽测定试剂" in extract("C-肽.docx", C_PEPTIDE.read_bytes()).text


def test_documents_are_added_into_a_folder_and_removed_by_their_path(tmp_path):
    from assistant.collection import add_files, remove_document, safe_path

    outcomes = add_files(tmp_path, [(COLLAGEN.name, COLLAGEN.read_bytes())], folder="法规库 › 本地文件")
    assert [o.line() for o in outcomes] == [f"法规库/本地文件/{COLLAGEN.name}: added"]
    again = add_files(tmp_path, [("副本.docx", COLLAGEN.read_bytes())], folder="案例库")
    assert again[0].status == "refused" and f"the same bytes as 法规库/本地文件/{COLLAGEN.name}" in again[0].reason
    assert add_files(tmp_path, [("x.docx", b"")], folder="../outside")[0].status == "refused"
    with pytest.raises(Exception):
        safe_path("法规库/../x.doc")
    assert remove_document(tmp_path, f"法规库/本地文件/{COLLAGEN.name}").status == "removed"


def test_the_cli_adds_a_whole_folder_keeping_its_sub_folders(tmp_path, capsys):
    from assistant import cli

    office = office_tree(tmp_path / "科室文件")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    code = cli.main(["add", "-q", "--corpus", str(corpus), "--index", str(tmp_path / "index"), "--into", "收文",
                     str(office)])  # copied, then built into a throwaway index
    out = capsys.readouterr()
    assert f"收文/科室文件/法规库/上位法规/{C_PEPTIDE.name}: added" in out.out
    assert "收文/科室文件/.git/: skipped (hidden folder)" in out.out
    assert "收文/科室文件/法规库/~$C-肽测定试剂.doc: skipped" in out.out
    assert "收文/科室文件/案例库/签到表.xyz: refused (unsupported format '.xyz'" in out.err
    assert "重组胶原蛋白创面敷料注册审查指导原则.docx: refused (the same bytes as 收文/科室文件/案例库/" in out.err
    assert (corpus / "收文" / "科室文件" / "案例库" / "各地实践" / CAGE.name).read_bytes() == CAGE.read_bytes()
    assert code == 2  # some files were refused: said in the exit code too


@needs_libreoffice
@pytest.mark.parametrize("name, data", [
    ("通知.docx", b"{\\rtf1\\ansi\\ansicpg936 {\\fonttbl{\\f0 SimSun;}}\\f0 \\'d2\\'bb\\'a1\\'a2\\'d7\\'dc\\'d4\\'f2\\par hello rtf\\par}"),
    ("通知.doc", b"{\\rtf1\\ansi hello rtf\\par second line\\par}"),
    ("通知.wps", b"{\\rtf1\\ansi hello rtf\\par}"),
])
def test_rtf_under_a_word_name_is_read_as_rtf(tmp_path, monkeypatch, name, data):
    monkeypatch.setenv("PLAN_CACHE", str(tmp_path))
    assert "hello rtf" in extract(name, data).text


def test_a_gbk_named_file_and_an_unreadable_one_are_listed_not_fatal(tmp_path):
    import os

    shutil.copy(COLLAGEN, tmp_path / COLLAGEN.name)
    gbk = os.fsencode(tmp_path) + b"/" + "卫生.txt".encode("gbk")  # a name from an old zip, not UTF-8
    with open(gbk, "wb") as fh:
        fh.write("一、总则\n".encode("utf-8"))
    locked = tmp_path / "保密.txt"
    locked.write_text("一、总则\n", encoding="utf-8")
    locked.chmod(0)
    library = scan_library(tmp_path)
    reasons = [s.reason for s in library.skipped]
    assert any("not valid UTF-8" in r for r in reasons)
    if os.geteuid() != 0:  # root reads any file
        assert [f.name for f in library.files] == [COLLAGEN.name]
        assert "cannot be opened (permission denied)" in reasons
    else:
        assert sorted(f.name for f in library.files) == sorted([COLLAGEN.name, "保密.txt"])


def test_texts_are_hashed_only_when_a_document_is_read_anew():
    from assistant.corpus import TextTwins

    texts = {"a.doc": "一、总则\n第一条", "a.docx": "一、总则 第一条", "b.pdf": "二、目标"}
    asked: list[str] = []
    twins = TextTwins(lambda name: asked.append(name) or texts[name])
    assert [twins.twin_of(n, fresh=False) for n in ("a.doc", "b.pdf")] == [None, None] and asked == []
    assert twins.twin_of("a.docx", fresh=True) == "a.doc"  # read anew: the earlier ones are hashed now
    assert sorted(asked) == ["a.doc", "a.docx", "b.pdf"]
