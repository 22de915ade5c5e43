"""The prose-answer building blocks without a model: figures, the prompt, the sentence check, and the
streaming client against small real HTTP servers on localhost."""
from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from assistant.corpus import load_document
from assistant.generation.check import check, citation_numbers, sentences
from assistant.generation.client import GenerationError, GeneratorConfig, completions_url, stream_chat
from assistant.generation.figures import DATE, NUMBER, PERCENT, PERIOD, RATE, YEAR, figures, unsupported
from assistant.generation.prompt import build_messages, check_sources, numbered_clauses, shorten
from assistant.models import Citation

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

# Clause texts of sample plan 000 as the parser reads them (fixed here so the figure tests need no parser).
MORTALITY = ("(三)诊疗技术更加先进。2020 年,孕产妇死亡率降到20/10 万,婴儿死亡率降到7.5‰,5 岁以下儿童死亡率降到9.5‰。"
             "2022 年,孕产妇死亡率降到18/10 万,婴儿死亡率降到7‰,5 岁以下儿童死亡率降到9‰,人均预期寿命75 岁以上。")
LITERACY = ("(六)健康素养更加提升。2019 年,推动实现居民健康素养水平电子化监测县(市、区、特区)全覆盖;推进公共场所禁烟工作,"
            "逐步实现室内公共场所全面禁烟。2020 年,全民健康生活方式行动覆盖所有县(市、区、特区);创建健康促进县(市、区、特区)"
            "达到18个;50% 的中小学校达到健康促进学校标准。2022 年,全省居民健康素养水平提升到18%。")
ACCESS = ("(一)医疗服务更加可及。2020 年,每千常住人口执业(助理)医师2.5 人、注册护士3.14 人、公共卫生人员0.83 人、"
          "基层卫生人员3.5 人、全科医生0.2 人。2022年,实现90%以上的居民15 分钟内能够达到最近的医疗点,65%以上的患者在基层医疗卫生机构就诊。")


def values(text: str) -> list[tuple[str, str]]:
    return [(f.kind, f.value) for f in figures(text)]


# --- figures ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "one, other",
    [
        ("３万", "30000"),
        ("1.5万", "15000"),
        ("1,000", "1000"),
        ("1，000", "一千"),
        ("十八", "18"),
        ("二十四", "24"),
        ("一百二十", "120"),
        ("两个", "2个"),
        ("三万五千", "35000"),
        ("一亿三千万", "130000000"),
        ("二〇二五年", "2025年"),
        ("二零二五年", "2025 年"),
        ("二〇二五", "2025"),
        ("百分之九十五", "95%"),
        ("95 %", "95％"),
        ("百分之95", "95%"),
        ("百分之三十点五", "30.5%"),
        ("９５．５％", "95.5%"),
        ("7.5‰", "千分之七点五"),
        ("10/10万", "10/100000"),
        ("20/10 万", "20/10万"),
        ("三分之一", "1/3"),
        ("“十四五”", "十四五"),
        ("2025年6月30日", "2025-06-30"),
        ("95 percent", "95%"),
        ("30.5 per cent", "百分之三十点五"),
        ("7 per 1,000", "7‰"),
        ("10 per 100,000", "10/10万"),
        ("万分之五", "5/10000"),
    ],
)
def test_the_same_figure_written_differently_compares_equal(one, other):
    assert figures(one) == figures(other) and figures(one)


def test_a_clause_states_its_year_and_its_rate_per_100000():
    assert values("到2025年，孕产妇死亡率控制在10/10万以下") == [(YEAR, "2025"), (RATE, "10/100000")]


def test_every_figure_of_a_real_target_clause_is_found_with_its_kind():
    assert values(MORTALITY) == [
        (YEAR, "2020"), (RATE, "20/100000"), (RATE, "7.5/1000"), (NUMBER, "5"), (RATE, "9.5/1000"),
        (YEAR, "2022"), (RATE, "18/100000"), (RATE, "7/1000"), (NUMBER, "5"), (RATE, "9/1000"), (NUMBER, "75"),
    ]


def test_figures_keep_what_was_written_and_where():
    text = "全省居民健康素养水平提升到18%[2]。"
    (figure,) = figures(text)
    assert (figure.kind, figure.text, text[figure.start : figure.end]) == (PERCENT, "18%", "18%")


def test_traditional_script_numerals_and_measure_words_are_read():
    assert values("家庭醫生簽約服務三個全覆蓋，新增1.5萬張床位，兩個機制") == [(NUMBER, "3"), (NUMBER, "15000"), (NUMBER, "2")]


def test_a_range_states_two_figures_and_shares_its_unit():
    assert values("10-15") == [(NUMBER, "10"), (NUMBER, "15")]
    assert values("10～15%") == [(PERCENT, "10%"), (PERCENT, "15%")]
    assert values("3～5万人") == [(NUMBER, "30000"), (NUMBER, "50000")]
    assert values("(2019—2022 年)") == [(YEAR, "2019"), (YEAR, "2022")]
    assert values("形成15至20个针灸优势病种") == [(NUMBER, "15"), (NUMBER, "20")]


def test_dates_are_one_figure_and_a_month_alone_is_a_date():
    assert values("2025年6月30日前完成") == [(DATE, "2025-6-30")]
    assert values("6月底前") == [(DATE, "-6-")]
    assert values("6个月内") == [(NUMBER, "6")]  # a duration, not June


def test_citation_marks_and_list_markers_are_not_figures():
    assert figures("孕产妇死亡率下降[1][2]，婴儿死亡率下降［3］，见[1,2]。") == ()
    assert figures("1.加强专科能力建设") == ()
    assert figures("(二)疾病防控更加有力；一是加强监测，二是完善预案。") == ()
    assert figures("一、目标任务") == ()


def test_chinese_numerals_that_are_words_are_not_figures():
    assert figures("统一管理，进一步加强，第一批试点，十分重要，四川三明的三甲医院") == ()
    assert values("连续三年位居第一，五大医学中心，两个不足") == [(NUMBER, "3"), (NUMBER, "5"), (NUMBER, "2")]


def test_numbers_inside_names_are_not_figures():
    assert figures("COVID-19疫情、5G网络和PM2.5监测") == ()


def test_a_plan_period_is_a_figure_of_its_own():
    assert values("“十四五”期间") == [(PERIOD, "14")]
    assert unsupported("“十三五”期间", ["“十四五”期间"]) == ("十三五",)


def test_a_rate_is_supported_by_the_same_rate_only():
    clause = "到2025年，孕产妇死亡率控制在10/10万以下"
    assert unsupported("孕产妇死亡率降至10/10万", [clause]) == ()
    assert unsupported("孕产妇死亡率降至十万分之十", [clause]) == ()
    assert unsupported("孕产妇死亡率降至12/10万", [clause]) == ("12/10万",)
    assert unsupported("孕产妇死亡率降至10%", [clause]) == ("10%",)  # a different proportion altogether


def test_a_percentage_needs_the_same_percentage_but_a_plain_number_any_form():
    assert unsupported("接种率达到95%", ["免疫规划疫苗接种率95%以上"]) == ()
    assert unsupported("接种率达到百分之九十五", ["免疫规划疫苗接种率95%以上"]) == ()
    assert unsupported("覆盖95%的县", ["建成95家医院"]) == ("95%",)
    assert unsupported("建成95家医院", ["覆盖95%的县"]) == ()  # dropping the sign invents nothing
    assert unsupported("新增3万张床位", ["新增床位30,000张"]) == ()


def test_years_and_dates_are_supported_by_what_contains_them():
    assert unsupported("2025年完成", ["2025年6月30日前完成"]) == ()
    assert unsupported("6月底前完成", ["2025年6月底前完成"]) == ()
    assert unsupported("7月底前完成", ["2025年6月底前完成"]) == ("7月",)
    assert unsupported("二〇二五年完成", ["到2025年"]) == ()


def test_unsupported_lists_each_missing_figure_once_as_written():
    sentence = "2022年孕产妇死亡率降到12/10万，婴儿死亡率降到7‰，人均预期寿命80岁，80岁以上。"
    assert unsupported(sentence, [MORTALITY]) == ("12/10万", "80")
    assert unsupported(sentence, [LITERACY]) == ("12/10万", "7‰", "80")


# --- prompt ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def plan_citations() -> tuple[Citation, ...]:
    parsed = load_document(CORPUS / "000_a7ee23972fa017a8.txt")
    by_label = {c.label: c for c in parsed.clauses}
    return tuple(Citation(by_label[label], parsed.document.title, 0.9) for label in ("一（三）", "一（六）", "一（一）"))


def test_the_clauses_are_numbered_in_citation_order_with_title_and_path(plan_citations):
    (ask,) = build_messages("2022年孕产妇死亡率的目标是多少？", plan_citations)
    assert ask["role"] == "user"
    content = ask["content"]
    title = plan_citations[0].document_title
    assert f"[1] 《{title}》 一、目标任务 › （三）诊疗技术更加先进：(三)诊疗技术更加先进。" in content
    assert content.index("[1] ") < content.index("[2] ") < content.index("[3] ")
    assert "问题：2022年孕产妇死亡率的目标是多少？" in content
    assert "只能依据" in content and "[1]" in content and "2到3句" in content and "不得" in content
    assert "请用中文回答" in content


def test_an_english_question_is_answered_in_english(plan_citations):
    (ask,) = build_messages("What is the 2022 target for maternal mortality?", plan_citations)
    assert "请用英文（English）回答" in ask["content"]


def test_the_conversation_so_far_comes_first_and_only_its_last_turns(plan_citations):
    history = [("第一问", "第一答。"), ("2020年孕产妇死亡率的目标是多少？", "2020年，孕产妇死亡率降到20/10万[1]。"),
               ("婴儿死亡率呢？", "婴儿死亡率降到7.5‰[1]。")]
    messages = build_messages("那2022年呢？", plan_citations, history=history)
    assert [m["role"] for m in messages] == ["user", "assistant", "user", "assistant", "user"]
    assert messages[0]["content"] == "2020年孕产妇死亡率的目标是多少？"
    assert messages[3]["content"] == "婴儿死亡率降到7.5‰[1]。"
    assert "第一问" not in json.dumps(messages, ensure_ascii=False)
    assert "\n\n问题：那2022年呢？\n\n" in messages[-1]["content"]
    assert messages[-1]["content"].endswith("不要使用列表或标题。\n请用中文回答。")  # the rules last


def test_long_clauses_are_cut_to_the_budget(plan_citations):
    clauses = numbered_clauses(plan_citations, budget=300)
    assert all(len(c.text) <= 100 for c in clauses)
    assert clauses[0].text.endswith("。…")  # cut after a full sentence where one ends late enough
    short = build_messages("问题？", plan_citations, budget=300)[-1]["content"]
    full = build_messages("问题？", plan_citations, budget=100_000)[-1]["content"]
    assert len(short) < len(full) < 2000 + len(short)


def test_shorten_keeps_short_texts_and_marks_a_cut():
    assert shorten("短句。", 10) == "短句。"
    assert shorten("甲" * 50, 10) == "甲" * 9 + "…"


# --- check -----------------------------------------------------------------------------------------------


def test_sentences_split_at_chinese_and_english_stops_but_not_inside_decimals():
    text = "覆盖率达到95.5%[1]。患者比例65%以上［3］；居民健康素养提升到18%！\nThe rate falls to 7.5‰ [1]. Done? Yes."
    assert [s.text for s in sentences(text)] == [
        "覆盖率达到95.5%[1]。", "患者比例65%以上［3］；", "居民健康素养提升到18%！",
        "The rate falls to 7.5‰ [1].", "Done?", "Yes.",
    ]


def test_marks_after_the_stop_and_on_their_own_line_belong_to_the_sentence_before():
    assert [(s.text, s.cites) for s in sentences("死亡率降到18/10万。[1][2]\n[3]\n人均预期寿命75岁以上。")] == [
        ("死亡率降到18/10万。[1][2][3]", (1, 2, 3)), ("人均预期寿命75岁以上。", ())]


def test_a_mark_starting_a_line_cites_what_follows_it():
    text = "医疗服务标准化。\n[3] 《行动计划》 一、目标任务 › （一）医疗服务更加可及：(一)医疗服务更加可及。"
    assert [s.cites for s in sentences(text)] == [(), (3,)]


def test_an_echo_of_the_prompts_clause_headings_is_dropped():
    # What Gemma 3 270M wrote for a figure question: the prompt's clause form, copied.
    title = "卫生健康服务能力提升“八大工程”行动计划(2019—2022年)"
    echo = f"[1] 《{title}》 一、目标任务 › （三）诊疗技术更加先进：(三)诊疗技术更加先进。"
    checked = check(echo + "婴儿死亡率降到7‰[1]。", [f"《{title}》 一、目标任务 › （三）诊疗技术更加先进：{MORTALITY}"])
    assert [d.reason for d in checked.dropped] == ["echoes a clause heading of the prompt"]
    assert checked.text == "婴儿死亡率降到7‰[1]。"


def test_figures_in_the_title_and_path_shown_with_a_clause_count_as_its_own(plan_citations):
    sources = check_sources(plan_citations)
    assert sources[0].startswith("《卫生健康服务能力提升“八大工程”行动计划(2019—2022年)》 一、目标任务 › ")
    assert check("《卫生健康服务能力提升“八大工程”行动计划(2019—2022年)》提出，2022年婴儿死亡率降到7‰[1]。",
                 sources).dropped == ()


def test_list_markers_are_not_sentences():
    assert [s.text for s in sentences("1. 孕产妇死亡率降到18/10万[1]。\n2. 婴儿死亡率降到7‰[1]。")] == [
        "孕产妇死亡率降到18/10万[1]。", "婴儿死亡率降到7‰[1]。"]


@pytest.mark.parametrize("marks, numbers", [("[1]", (1,)), ("［2］", (2,)), ("[1,2]", (1, 2)), ("[1，3]", (1, 3)),
                                            ("[1][2]", (1, 2)), ("【2】", (2,)), ("[1-3]", (1, 2, 3)),
                                            ("[2][2]", (2,)), ("没有", ())])
def test_citation_marks_in_every_form(marks, numbers):
    assert citation_numbers(f"死亡率下降{marks}。") == numbers


def test_a_faithful_answer_is_kept_whole_with_its_marks():
    text = "2022年，孕产妇死亡率降到18/10万，婴儿死亡率降到7‰[1]。全省居民健康素养水平提升到18%[2]。"
    checked = check(text, [MORTALITY, LITERACY])
    assert checked.text == text and not checked.dropped and not checked.fell_back
    assert checked.cited == (1, 2)


def test_a_figure_is_checked_against_the_clause_its_sentence_cites():
    # 18% is in clause 2, not in clause 1, which this sentence cites.
    checked = check("2022年居民健康素养水平提升到18%[1]。孕产妇死亡率降到18/10万[1]。", [MORTALITY, LITERACY])
    assert [d.reason for d in checked.dropped] == ["unsupported figure 18%"]
    assert checked.text == "孕产妇死亡率降到18/10万[1]。"


def test_a_wrong_figure_drops_its_sentence():
    checked = check("孕产妇死亡率降到12/10万[1]。婴儿死亡率降到7‰[1]。5岁以下儿童死亡率降到9‰[1]。", [MORTALITY])
    assert [(d.sentence.text, d.reason) for d in checked.dropped] == [("孕产妇死亡率降到12/10万[1]。", "unsupported figure 12/10万")]
    assert not checked.fell_back


def test_a_citation_of_a_clause_not_given_drops_its_sentence():
    checked = check("孕产妇死亡率降到18/10万[1][7]。婴儿死亡率降到7‰[1]。", [MORTALITY])
    assert [d.reason for d in checked.dropped] == ["cites [7], which was not given"]
    assert check("见条款[0]。", [MORTALITY]).dropped[0].reason == "cites [0], which was not given"


def test_an_uncited_sentence_is_dropped_unless_allowed_and_figure_free():
    text = "具体目标如下。孕产妇死亡率降到18/10万[1]。另有80%的县达标。"
    assert [d.reason for d in check(text, [MORTALITY]).dropped] == ["cites nothing", "cites nothing and states 80%"]
    lenient = check(text, [MORTALITY], allow_uncited=True)
    assert lenient.text == "具体目标如下。孕产妇死亡率降到18/10万[1]。"
    assert [d.reason for d in lenient.dropped] == ["cites nothing and states 80%"]


def test_a_repeated_sentence_is_dropped():
    checked = check("婴儿死亡率降到7‰[1]。婴儿死亡率降到7‰ [1]。", [MORTALITY])
    assert [d.reason for d in checked.dropped] == ["repeats an earlier sentence"]


def test_it_falls_back_when_nothing_or_too_little_is_left():
    assert check("", [MORTALITY]).fell_back
    assert check("所给条款未说明这一点。", [MORTALITY]).fell_back
    mostly_wrong = "孕产妇死亡率降到12/10万[1]。婴儿死亡率降到6‰[1]。人均预期寿命75岁以上[1]。"
    assert check(mostly_wrong, [MORTALITY]).fell_back
    assert not check(mostly_wrong, [MORTALITY], max_dropped_share=0.7).fell_back
    half = "孕产妇死亡率降到12/10万[1]。人均预期寿命75岁以上[1]。"
    assert not check(half, [MORTALITY]).fell_back  # exactly half is not more than half


def test_an_english_answer_is_checked_the_same_way():
    checked = check("By 2022 infant mortality falls to 7‰ [1]. Health literacy reaches 20% [2].", [MORTALITY, LITERACY])
    assert checked.text == "By 2022 infant mortality falls to 7‰ [1]."
    assert checked.dropped[0].reason == "unsupported figure 20%"


# --- client, against small real SSE servers ------------------------------------------------------------------


def _event(content: str | None = None, finish: str | None = None) -> bytes:
    delta = {} if content is None else {"content": content}
    body = {"choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    return f"data: {json.dumps(body, ensure_ascii=False)}\n\n".encode()


class _Handler(BaseHTTPRequestHandler):
    """One behaviour per path prefix; what each request carried is kept in `seen`."""

    seen: list[dict] = []

    def log_message(self, *args):  # keep the test output clean
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Handler.seen.append({"path": self.path, "body": body, "auth": self.headers.get("Authorization")})
        kind = self.path.strip("/").split("/")[0]
        if kind == "status":
            self._reply(404, b'{"error": {"message": "model \\"nope\\" not found", "type": "not_found"}}')
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        getattr(self, "_" + kind.replace("-", "_"), self._good)()

    def _reply(self, status: int, body: bytes):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _send(self, *chunks: bytes):
        for chunk in chunks:
            self.wfile.write(chunk)
            self.wfile.flush()

    def _good(self):
        self._send(b": keep-alive\n\n", _event(None), _event("孕产妇"), _event("死亡率[1]"), _event("。", "stop"),
                   b"data: [DONE]\n\n")

    def _stall(self):
        self._send(_event("先说"))
        time.sleep(3)

    def _drip(self):  # never silent for long, never done
        for _ in range(100):
            self._send(_event("字"))
            time.sleep(0.1)

    def _drip_then_stall(self):
        for _ in range(6):
            self._send(_event("字"))
            time.sleep(0.1)
        time.sleep(3)

    def _garbage(self):
        self._send(_event("开头"), b"data: {not json\n\n")

    def _inline_error(self):
        self._send(b'data: {"error": {"message": "context length exceeded"}}\n\n')

    def _no_done(self):
        self._send(_event("半句"))  # then the connection closes


@pytest.fixture(scope="module")
def sse_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.block_on_close = False
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_base_urls_with_or_without_v1_reach_the_same_endpoint():
    for base in ("http://h:8080", "http://h:8080/", "http://h:8080/v1", "http://h:8080/v1/",
                 "http://h:8080/v1/chat/completions"):
        assert completions_url(base) == "http://h:8080/v1/chat/completions"


def test_a_stream_yields_its_text_deltas_until_done(sse_server):
    messages = [{"role": "user", "content": "问题"}]
    deltas = list(stream_chat(sse_server + "/good", "tiny", messages, api_key="k-123", max_tokens=64))
    assert deltas == ["孕产妇", "死亡率[1]", "。"]
    request = _Handler.seen[-1]
    assert request["path"] == "/good/v1/chat/completions" and request["auth"] == "Bearer k-123"
    assert request["body"] | {"messages": None} == {"model": "tiny", "messages": None, "stream": True,
                                                    "max_tokens": 64, "temperature": 0.0}


def test_the_config_reads_its_key_from_the_environment_variable_it_names(sse_server, monkeypatch):
    monkeypatch.setenv("PLAN_LLM_API_KEY", "from-env")
    config = GeneratorConfig(url=sse_server + "/good/v1/", model="tiny")
    assert "".join(config.stream([{"role": "user", "content": "问"}])) == "孕产妇死亡率[1]。"
    assert _Handler.seen[-1]["auth"] == "Bearer from-env"
    assert GeneratorConfig(url="u", model="m").api_key({}) is None


def _failure(url: str, **timeouts) -> tuple[str, float]:
    started = time.monotonic()
    with pytest.raises(GenerationError) as caught:
        list(stream_chat(url, "tiny", [{"role": "user", "content": "问"}], **timeouts))
    message = str(caught.value)
    assert "\n" not in message and caught.value.__cause__ is None  # one line, no httpx traceback chained
    return message, time.monotonic() - started


def test_a_dead_port_fails_at_once():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    message, seconds = _failure(f"http://127.0.0.1:{port}")
    assert "cannot reach the model server" in message and "refused" in message and seconds < 1


def test_an_http_error_status_is_reported_with_the_servers_message(sse_server):
    message, _ = _failure(sse_server + "/status")
    assert message == 'the model server answered HTTP 404: model "nope" not found'


def test_a_stalled_stream_fails_after_the_idle_timeout(sse_server):
    message, seconds = _failure(sse_server + "/stall", idle_timeout=0.5)
    assert message == "the model server sent nothing for 0.5 s" and seconds < 2


def test_a_stream_that_never_ends_fails_at_the_deadline(sse_server):
    message, seconds = _failure(sse_server + "/drip", timeout=1.0, idle_timeout=5)
    assert message == "the model server did not finish its answer within 1 s" and 0.9 < seconds < 1.6


def test_the_deadline_also_ends_a_silent_wait_that_began_before_it(sse_server):
    # Silent from 0.6 s on: the idle timeout alone would only end it at 1.5 s.
    message, seconds = _failure(sse_server + "/drip-then-stall", timeout=1.0, idle_timeout=0.9)
    assert message == "the model server did not finish its answer within 1 s" and 0.9 < seconds < 1.3


def test_malformed_events_and_errors_inside_the_stream_are_reported(sse_server):
    assert _failure(sse_server + "/garbage")[0] == "the model server sent a malformed event: '{not json'"
    assert _failure(sse_server + "/inline-error")[0] == "the model server reported an error: context length exceeded"


def test_a_stream_cut_off_before_it_is_done_is_a_failure(sse_server):
    assert "without finishing it" in _failure(sse_server + "/no-done")[0]


def test_marks_starting_a_line_cite_each_sentence_of_it():
    # Gemma 3 270M's way: one line per clause, its number first.
    text = "[1] 2022年,孕产妇死亡率降到18/10万。婴儿死亡率降到7‰。\n[2] 常住人口自然增长率8‰左右。"
    assert [(s.text, s.cites) for s in sentences(text)] == [
        ("2022年,孕产妇死亡率降到18/10万。[1]", (1,)), ("婴儿死亡率降到7‰。[1]", (1,)),
        ("常住人口自然增长率8‰左右。[2]", (2,))]


def test_a_copy_of_the_instructions_a_loop_and_a_cut_off_sentence_are_dropped():
    from assistant.generation.prompt import RULES

    sources = [MORTALITY]
    text = ("婴儿死亡率降到7‰[1]。只能依据用户给出的编号条款回答[1]。"
            "居民健康管理,居民健康管理,居民健康管理[1]。2022年孕产妇死亡率降到18/10[1]")
    checked = check(text, sources, instructions=RULES)
    assert [d.reason for d in checked.dropped] == [
        "echoes the instructions", "repeats itself", "unfinished: the answer was cut off"]
    assert checked.text == "婴儿死亡率降到7‰[1]。" and checked.fell_back  # 3 of 4 dropped


# The targets a cited clause states, read at build time (assistant/targets/): each figure of a prose sentence that
# one of them states must be given that record's year, when the sentence names years at all. The clause below
# states both years and both figures, so checking figures against its text alone keeps every wording.
GUIZHOU_RATES = "2020 年,孕产妇死亡率降到20/10 万,婴儿死亡率降到7.5‰。2022 年,孕产妇死亡率降到18/10 万,婴儿死亡率降到7‰。"


def guizhou_records(shared_assistant):
    records = shared_assistant.targets.targets_of("000_a7ee23972fa017a8.txt")
    return [[(t.value, t.year) for t in records if t.label == "一（三）"]]


@pytest.mark.parametrize("sentence", [
    "到2022年，孕产妇死亡率要降到20/10万[1]。",  # the 2020 figure given for 2022
    "2020年婴儿死亡率目标为7‰[1]。",
    "该计划提出2022年婴儿死亡率降到7.5‰[1]。",
])
def test_a_figure_given_another_year_than_its_record_is_dropped(shared_assistant, sentence):
    checked = check(sentence, [GUIZHOU_RATES], records=guizhou_records(shared_assistant))
    assert checked.fell_back and "another year" in checked.dropped[0].reason
    assert not check(sentence, [GUIZHOU_RATES]).fell_back  # the clause's text alone cannot tell


@pytest.mark.parametrize("sentence", [
    "到2022年，孕产妇死亡率要降到18/10万[1]。",
    "2020年降到20/10万，2022年降到18/10万[1]。",
    "婴儿死亡率目标为7‰[1]。",  # names no year: not judged
])
def test_a_figure_given_its_records_year_is_kept(shared_assistant, sentence):
    assert not check(sentence, [GUIZHOU_RATES], records=guizhou_records(shared_assistant)).fell_back
