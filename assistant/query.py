"""Understanding a question: follow-ups, named clauses, places, years. Pure functions."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Callable

from assistant import followups  # follow-ups read this module's words at call time: imported as a module
from assistant.place_spellings import Spellings, cached_spellings, pinyin
from assistant.textnorm import chinese_number, fold, tokens
from assistant.asks import DOCUMENT_NOUN, Asks, read_asks

_CN_NUM = "一二三四五六七八九十百零〇两"
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
# A named clause: 第十一条 / 第三章 / 二（三）2 / （十一） / (十一)3 — folded text uses ASCII parens.
_CLAUSE_REF = re.compile(
    rf"第[{_CN_NUM}]+[条章节编项点]"
    rf"|[{_CN_NUM}]{{1,3}}[、]?\([{_CN_NUM}]{{1,4}}\)(?:\d{{1,3}})?"
    rf"|\([{_CN_NUM}]{{1,4}}\)(?:\d{{1,3}})?|附[录件表]\d{{1,2}}(?!\d)"  # an appendix ('附录1') is a part by number
)
_ARABIC_REF = re.compile(r"第\s*(\d{1,3})\s*条|第\s*(\d{1,3})\s*[项点]|(?<![\d.])(\d{1,3})\.(?!\d)")
_MARKUP = re.compile(r"<[^<>]{0,200}>")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]")
_ADMIN_SUFFIX = ("自治区", "自治州", "省", "市", "县", "区", "州")
_LEADING_PLACES = re.compile(r"^(?:\d{4}年)?((?:[\u4e00-\u9fff]{2,3}?(?:省|市|县|区))+)")


@dataclass(frozen=True)
class Query:
    text: str  # the question after follow-up resolution
    folded: str
    context: str  # folded earlier turn a follow-up leans on, searched with less weight; "" if none
    years: tuple[str, ...]
    clause_refs: tuple[str, ...]  # named clause numbers, written like labels: "二（三）2", "（十一）", "第十一条"
    places: tuple[str, ...]  # place names in folded form, without admin suffix where possible
    content_terms: tuple[str, ...]  # what the question is about: BM25 terms less places, years, question words
    translations: tuple[str, ...] = ()  # Chinese words added to an English question (already in `folded`)
    indicators: tuple[str, ...] = ()  # for a question asking for a figure: the nouns naming what is counted
    topic: tuple[str, ...] = ()  # what it is about, as phrases of words ("远程 医疗"): the question less its frame
    focus: tuple[str, ...] = ()  # a follow-up's own new subject ('那村医呢？' → "村医"), as topic phrases
    asked: str = ""  # the current turn as typed, folded (before follow-up resolution)

    @property
    def cross_lingual(self) -> bool:
        return bool(self.translations)

    @cached_property
    def asks(self) -> Asks:
        """What its wording asks for besides its subject (asks.read_asks), read once."""
        return read_asks(self.folded, self.asked or self.folded)


# '哪些文件提到了…' asks the whole collection: it leans on no earlier turn's place.
# Asking for several documents: '哪些文件…', '哪几份技术审查指导原则…', '…的指导原则有哪些'.
# 份 counts documents, so '…的有哪几份？', '是哪两份' ask for documents whatever else they name.
# The document noun may close the question ('…的体外诊断试剂指导原则都有哪些？') or be qualified ('哪些器械的指导原则').
ACROSS = (rf"哪(?:些|几个|几份)(?:{DOCUMENT_NOUN}|地方|地区)|的{DOCUMENT_NOUN}(?:有|是)哪(?:些|几个|几份)|"
          rf"{DOCUMENT_NOUN}(?:都|分别|一共|共)?(?:有|是)哪(?:些|几个|几份|几部)[？?。！!]*$|"
          # whether any document does it ('有提到医养结合的文件吗？', '有没有规定托位数的方案'): which ones, if any
          # how many documents say it ('…这条要求，有几份提到？分别是哪些？'): which they are
          rf"有几份{DOCUMENT_NOUN}?(?=提到|提及|涉及|讲到|说到|写到|写了|规定|要求)|"
          # (the frame's words only: what stands between them is the topic)
          rf"有没有(?=[^？?。]{{1,30}}的{DOCUMENT_NOUN})|有(?=[^？?。]{{1,30}}的{DOCUMENT_NOUN}吗)|"
          rf"哪(?:些|几个|几类|几种)[\u4e00-\u9fff]{{1,6}}的{DOCUMENT_NOUN}|"
          r"哪[一几两三四五]?份|"
          # '…要考虑标签系统适应性的，都有哪些？', '…按YY/T 0268来的有哪些？': those that do it (a nominalised
          # clause asked of the collection), not '包装验证的项目有哪些' (a list inside one document)
          r"的[,，]?(?:都|又)?(?:是|有)哪(?:些|几种|几类|几个)[\u4e00-\u9fff]{0,4}[？?。]*$")
_ACROSS_DOCUMENTS = re.compile(rf"{ACROSS}|which (documents|plans|places|files)")


def across_documents(folded: str) -> bool:
    """'哪些文件提到了…': a question about the whole collection, which names no document of it."""
    return bool(_ACROSS_DOCUMENTS.search(folded))


def clause_references(folded: str) -> tuple[str, ...]:
    """Clause numbers named in a (folded) question, written the way labels are, best guess first.

    第十一条 → 第十一条 and （十一） (plans number items so); 第20条 → 第二十条, （二十）, 20;
    第15项 / 19. → 15 / 19; 二(三)2 → 二（三）2; 第(九)部分的第2点 → （九）2, （九）, 2.
    """
    refs: list[str] = []
    for m in _CLAUSE_REF.finditer(folded):
        ref = m.group().replace("、", "").replace("(", "（").replace(")", "）")
        refs.append(ref)
        if cn := re.fullmatch(rf"第([{_CN_NUM}]+)[条项点]", ref):
            refs[-1:] = [ref, f"（{cn.group(1)}）"] if ref.endswith("条") else [f"（{cn.group(1)}）"]
    for m in _ARABIC_REF.finditer(folded):
        if m.group(1):  # 第20条: an article in words, a plan's （二十）, or item 20
            number = int(m.group(1))
            refs += [f"第{chinese_number(number)}条", f"（{chinese_number(number)}）", str(number)]
        else:
            refs.append(str(int(m.group(2) or m.group(3))))
    parents = [r for r in refs if r.startswith("（")]
    items = [r for r in refs if r.isdigit()]
    if parents and items and 0 <= folded.find(parents[0].strip("（）")) < folded.rfind(items[-1]):
        refs.insert(0, parents[0] + items[-1])
    return tuple(dict.fromkeys(refs))


# A year as staff abbreviate it ('22年的目标', '心脑血管病死亡率30年要降到多少'): 19–35 before 年, not a span of
# years ('10年以上', '近20年来', '30年内', '第20年') nor part of a longer number.
_SHORT_YEAR = re.compile(r"(?<![\d.第近满约共])(19|2\d|3[0-5])(\s*年)(?!\s*(?:内|来|间|以上|以下|左右|后|前|期|代|多|余|半|制|龄|里|中))")


# What an indicator's name ends in: a rate, a count, a level, a share ('婴儿死亡率', '床位数', '健康素养水平').
MEASURE_END = re.compile(r"(?:率|数|水平|比例|比重|占比|寿命|面积|密度|指数|年限)$")


def full_years(text: str) -> str:
    """'那22年的目标值呢' → '那2022年的目标值呢'."""
    return _SHORT_YEAR.sub(lambda m: f"20{m.group(1)}{m.group(2)}", text)


def years(folded: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_YEAR.findall(folded)))


def strip_admin_suffix(name: str) -> str:
    for suffix in _ADMIN_SUFFIX:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@lru_cache(maxsize=1)
def _posseg():
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return jieba.posseg


def word_flags(text: str) -> list[tuple[str, str]]:
    """The text cut into words, each with its part of speech (jieba's flags: 'n…' nouns, 'v…' verbs)."""
    return [(w, flag) for w, flag in _posseg().lcut(text)]


def word_classes(word: str) -> tuple[str, ...]:
    """The dictionary's word classes of a word's parts ('护理' → ('n',), '明确' → ('ad',))."""
    return tuple(w.flag for w in _posseg().lcut(word, HMM=False))


def load_segmenter_in_background() -> None:
    """Load jieba in a thread (reading its dictionary is ~1.5 s, the most of a first question's wait), so
    it loads while the index and the encoder do."""
    import threading

    threading.Thread(target=tagged_places, args=("预热",), name="jieba-load", daemon=True).start()


# Dictionary words jieba tags as places that, in a question, are not one.
_NOT_PLACES = {"东西", "中国", "全国", "国家", "城市", "城乡", "乡村", "农村", "社区", "本市", "全市", "全省", "全县", "全区", "各地", "地方",
               "惠及", "地中海"}  # a verb, and the 地中海 of 地中海贫血 (thalassaemia)


@lru_cache(maxsize=1024)  # a question and its history are looked at several times while it is understood
def tagged_places(folded: str) -> tuple[str, ...]:
    """Place names jieba recognises (tag ns), suffix stripped: '深圳市' → '深圳'. A kind of area alone ('自治州',
    which jieba tags as a place) names none."""
    # Dictionary words only (HMM off): guessed words like '里省' in '计划里省互联网医院' are no places.
    words = _posseg().lcut(folded, HMM=False)
    return tuple(strip_admin_suffix(w) for w, flag in words
                 if flag == "ns" and len(w) >= 2 and w not in _NOT_PLACES and w not in _ADMIN_SUFFIX)


def leading_places(title: str) -> list[str]:
    """Places a title or issuer opens with: '大同市云州区县级…' → ['大同', '云州']."""
    m = _LEADING_PLACES.match(fold(title))
    if not m:
        return []
    return [strip_admin_suffix(p) for p in re.findall(r"[\u4e00-\u9fff]{2,3}?(?:省|市|县|区)", m.group(1))]


# '哪几项' asks which ones, not how many; '多大/多长/多久/多高…' ask a size, a length or a time, as 多少 does.
# An identifier asked with 多少 ('文号多少', '电话是多少') is no figure: it names, it does not count.
_IDENTIFIERS = ("文号", "编号", "号码", "电话", "邮编", "代码", "网址")
_NOT_AN_IDENTIFIER = "".join(f"(?<!{w})(?<!{w}是)" for w in _IDENTIFIERS)
ASKS_FIGURE = re.compile(_NOT_AN_IDENTIFIER + r"多少|(?<!哪)几(?:[个家项所名级张人次岁年组例天周月秒倍度]|分钟|小时)|(?<![许很])多[大长久高重宽厚深远快]"
                         r"|比例|比率|百分之|how (many|much)|what percentage"
                         # a value asked by name ('定在什么水平', '不得低于某个值', '给了具体数值没有')
                         r"|(?:什么|某个|某一|具体)(?:水平|数值|值)|具体指标")
# Nouns that set a question's scope or name the document, not the thing counted.
_SCOPE_NOUNS = {"目标", "计划", "方案", "要点", "工作", "情况", "文件", "全省", "全市", "全县", "全区", "总体", "重点",
                "水平", "指标", "数量", "数字", "任务", "要求", "内容", "项目", "比例", "比率",
                # where in a document, or which kind of document, the figure stands ('那张表里', '原则里'): no thing counted
                "表", "表里", "表格", "附表", "附录", "部分", "章节", "条款", "原则", "指导原则", "指南", "规定",
                "定义", "名词解释", "术语",
                # the kind of value asked for ('…内毒素限值是多少'), as 指标 and 比例 are: not what is counted
                "限值", "限度", "上限", "下限", "数值", "阈值", "标准值", "限量", "范围", "规模", "时间", "时长",
                # which of an indicator's figures is asked (a table's 基期水平 column, a report's 实际值): not what is counted
                "基期", "基线", "基数", "现状", "实际", "目标值", "基期值", "现状值", "实际值", "预期值", "完成值"}


def scope_noun(word: str) -> bool:
    """A noun that scopes a figure question or names the kind of value asked ('目标', '范围'), not what is counted."""
    return word in _SCOPE_NOUNS


def figure_nouns(folded: str, known_places: frozenset[str]) -> tuple[str, ...]:
    """For a question asking for a figure ('…床位数目标是多少'), the nouns naming what is counted."""
    if not ASKS_FIGURE.search(folded):
        return ()
    words = _shares_joined([(w.word, w.flag) for w in _posseg().lcut(folded)])
    nouns = (w for w, flag in words if (flag.startswith("n") or flag == "vn") and flag != "ns" and len(w) >= 2)
    return tuple(dict.fromkeys(w for w in nouns if w not in _SCOPE_NOUNS and w not in known_places
                               and not ASKS_FIGURE.search(w)))  # '多长时间' asks, it is not asked about


def _shares_joined(words: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(word, flag) pairs with a share the segmenter cut apart joined to the word it measures: '药'+'占'+'比要' →
    药占比 (a word of one character is no noun of its own, so the indicator asked was lost); what follows 比 goes."""
    out, at = [], 0
    while at < len(words):
        word = words[at][0]
        if re.fullmatch(r"[\u4e00-\u9fff]+", word) and word != "占" and [w for w, _ in words[at + 1: at + 2]] == ["占"] \
                and words[at + 2: at + 3] and words[at + 2][0].startswith("比"):
            out.append((word + "占比", "n"))
            at += 3
        else:
            out.append(words[at])
            at += 1
    return out


# Words that frame a question ("哪些文件提到了…", "…各有什么安排") rather than say what it is about.
TOPIC_STOP = frozenset(
    "哪些 哪几个 哪几 哪个 哪份 哪家 哪里 哪 谁 什么 啥 啥时候 啥时 几时 多少 几个 几项 几条 几 怎么样 怎么 "
    "怎样 如何 是否 有没有 有无 吗 呢 吧 啊 呀 请问 一下 简单 介绍 概括 总结 文件 文档 "
    "里面 里 之中 提到 提及 讲到 讲 说到 说 涉及 写 写到 关于 对于 方面 各有 各自 分别 各 "
    "都 和 与 及 以及 跟 同 在 的 了 是 有 要 将 会 能 对 把 被 为 安排 计划 方案 "
    "行动计划 要点 工作要点 报告 部署 规划 目标 内容 情况 具体 主要 措施 打算 准备 做 做了 "
    "做法 工作 那 那么 还有 另外 这个 那个 该 其 这 此 地方 地区 城市 一共 个 项 条 份 "
    "家 达到 要求 规定 提出 举措 相关 有关 什么样 我 你 想 知道 了解 一些 些 哪方面 这方面 "
    "年 上 下 时候 啥样 是不是 没有 过 今年 去年 明年 实际 对比 比较 区别 异同 相比 一样 "
    "不同 定 定了 提了 怎么说 说法 进展 进度 成效 搞 干 怎么搞 怎么干 整体 总体上 总的来说 "
    "写的 组成 构成 包括 包含 分为 分成 分 哪几块 哪些地方 哪几份 几份 出现 出现过 提过 说过 "
    "材料 文章 哪天 哪一天 什么时候 何时 开始 起 指标 大概 大致 篇 那篇 这篇 报道 说了啥 "
    "个什么 最低 最高 至少 最多 最少 不少于 不低于 不超过 不高于 以上 以下 以内 左右 原则 指导原则 指南 时 "
    # pointing back at the question's own words ('要交…资料——哪几份这么要求'), and finding them ('在哪能查到')
    "这种 这么 这样 这些 这类 那种 那些 那样 那类 此类 如此 查到 找到 看到 查 找 能查到 查得到 找得到 "
    # the collection at hand ('手头这些规划里哪些有涉及'): where to look, as 资料库 is
    "手头 手上 手里 手边 现有 已有 收录 "
    # that a figure is given, not which ('有具体数字的', '给出具体百分比的文件'), or that one is asked of a thing
    # ('托位数量', '样本个数': how many of it): frame
    "数字 数值 百分比 具体数 数量 数目 个数 给出 给了 列出 列了 写出 看 看看 想看 "
    # when, as a follow-up puts it ('钦州当时定的2019年底目标又是多少'), and its cue words: no topic
    "当时 当初 那时 年底 年末 年初 年中 又 还 还是 定的 那边 这边 那里 这里 那儿 这儿 "
    # which of an indicator's figures ('那2022年的目标值呢'): frame
    "目标值 基期值 基期水平 现状值 实际值 "
    # how a figure is to move ('到2030年要低于多少'): the question's frame, as 不低于 above, not its subject
    "低于 高于 超过 降到 降至 降低到 下降到 提高到 提升到 增加到 控制在 保持在 做到 "
    # how plainly or how much a document says it ('专门讲…的有哪几份', '明说…的', '着重强调…'): frame, not subject
    "专门 特别 特意 单独 明确 明文 明说 着重 强调 写明 载明 指出 表明 "
    # that a document gives it as an example ('精密度评价周期举例为至少20天的'): how it says it, as 写明 is
    "举例 举例说明 例如 比如 例子 为例 "
    # which comes first ('哪部施行得早'): the comparison's frame, as 对比 and 区别 above
    "早 晚 得早 得晚 更早 更晚 最早 最晚 较早 较晚".split()
)


# Words that count or number rather than name: 第三, 几家, 六大, 十八, 哪几项, 一部分, 哪些方面.
_COUNTING_WORD = re.compile(rf"^第[{_CN_NUM}\d]+|^(几|多少)[\u4e00-\u9fff]?$|^[{_CN_NUM}]+大$|^[{_CN_NUM}]+$|^[{_CN_NUM}几哪些]*(部分|大块|块|大项|条|项|点|个|方面|章|节|份|篇)$")


def without_place_names(folded: str, places) -> str:
    """The text with each place name and its admin suffix ('木垒县', '云州区') blanked out."""
    for place in sorted(places, key=len, reverse=True):
        folded = re.sub(re.escape(place) + "(?:自治区|自治州|省|市|县|区|州)?", " ", folded)
    return folded


def without_places(folded: str, places) -> str:
    """The text with each place name and its admin suffix, and years, blanked out."""
    return _YEAR.sub(" ", without_place_names(folded, places))


def acronyms_in(text: str) -> frozenset[str]:
    """Words written in capitals ('DRG', 'HPV'), folded: the only Latin words a Chinese topic keeps."""
    return frozenset(w.lower() for w in re.findall(r"(?<![A-Za-z])[A-Z]{2,6}\d?(?![A-Za-z])", text))


# A kind of document named with its modifiers ('技术审查指导原则', in DOCUMENT_NOUN): the segmenter splits it
# ('指导' + '原则'), and the stop list cannot hold '指导', a word of topics too ('技术指导'); it is taken out first.
_KIND_OF_DOCUMENT = re.compile(r"(?:注册)?(?:技术)?(?:审查)?指导原则")
# Asking which document, and naming the collection asked ('哪份文件提到…', '资料库里哪些文件…'): never a topic.
_WHICH_FRAME = re.compile(rf"{ACROSS}|哪一?[份个篇部]{DOCUMENT_NOUN}?|(?:资料|知识|文件|文档)库(?:里|中)?")
# A date is never a topic: '2018年10月存的…' would leave '月存' to the segmenter.
_DATE = re.compile(r"(?:(?:19|20)\d{2}\s*年\s*)?(?<!\d)\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?")


def _FUNCTION_CHARACTER(flag: str, character: str) -> bool:
    """A one-character particle ('得' of '施行得早'): grammar, not a word of what is asked. Adverbs, conjunctions and
    prepositions stay: they join a description's parts ('hcv也不能保证绝对安全', '透析机或透析器', '按第几类管'),
    and a negation is what is asked ('查不出来')."""
    return flag[:1] in ("u", "y", "e")


def _frame_compound(word: str) -> bool:
    """Two frame words the segmenter keeps as one ('具体安排', '相关规定'): frame as well. Parts of two characters
    at least: one-character frame words join into words of their own ('上下')."""
    return len(word) >= 4 and any(word[:i] in TOPIC_STOP and word[i:] in TOPIC_STOP for i in range(2, len(word) - 1))


def topic_phrases(folded: str, acronyms: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """What a (folded) question is about: its runs of words between frame words, each as "w1 w2".

    '哪些文件提到了远程医疗' → ('远程 医疗',); '木垒和广州在中医药方面各有什么安排' (places
    already removed) → ('中医药',). Numbers and punctuation end a run.
    """
    phrases, run, previous = [], [], ""
    words = _posseg().lcut(_DATE.sub("，", _KIND_OF_DOCUMENT.sub("，", _WHICH_FRAME.sub("，", folded))), HMM=False)
    for n, word in enumerate(words):
        w = word.word.strip()
        pair, previous = previous[-1:] + w, w
        if len(w) == 1 and len(pair) == 2 and pair in TOPIC_STOP and pair != w + w:
            continue  # the rest of a frame word the segmenter cut ('讲'+'到' of '讲到骨水泥'): frame, not subject
        if _frame_compound(w):
            continue
        # a verb the frame uses, offered as an alternative to another verb, qualifies what follows ('作为对比或参考
        # 方法': 对比 stands beside 参考); a kind of document offered beside another ('规划、要点或报告') stays frame
        if w in TOPIC_STOP and word.flag == "v" and any(0 <= n + 2 * step < len(words) and words[n + step].word in (
                "或", "或者", "或是") and words[n + 2 * step].flag == "v" for step in (1, -1)):
            run.append(w)
            continue
        # a particle ('施行得早': 得; jieba's u*, y and e tags) is grammar, never what is asked about; nor is a pronoun
        # ('医养结合这块': 这块; tag r), which points at what is asked or asks it; '我国', '本市' name a place as
        # documents do ('我国在此基础上建议…')
        if w and (re.fullmatch(r"[\u4e00-\u9fff]+", w) or w in acronyms) and w not in TOPIC_STOP and not _COUNTING_WORD.match(w) \
                and not (len(w) == 1 and _FUNCTION_CHARACTER(word.flag, w)) and (word.flag != "r" or w[0] in "我本"):
            # Characters the dictionary leaves alone, side by side, make one word: '托'+'育', '控'+'烟'; so does a
            # bound morpheme with the word before it (jieba's *g tags): '中医'+'馆' is 中医馆, not any 中医.
            if not run and word.flag == "p":
                continue  # a preposition opening a run joins nothing to it ('以互联网医院举例', '拿…来说')
            if run and len(w) == 1 and (len(run[-1]) == 1 or word.flag.endswith("g")):
                run[-1] += w
            else:
                run.append(w)
            continue
        if run:
            phrases.append(" ".join(run))
            run = []
    if run:
        phrases.append(" ".join(run))
    return tuple(p for p in dict.fromkeys(phrases) if len(p.replace(" ", "")) >= 2)


def make_query(
    question: str,
    history: list[str] | tuple[str, ...],
    known_places: frozenset[str],
    question_terms: frozenset[str],
    translate: Callable[[str], list[str]] = lambda text: [],
    spelt: Spellings | None = None,
    swap_document: Callable[[str, str], str | None] = lambda previous, question: None,
    ordinary: Callable[[str], bool] = lambda word: False,
    in_term: Callable[[str, str], bool] = lambda word, folded: False,
    about_same_document: Callable[[str, str], bool] = lambda previous, question: False,
) -> Query:
    """Everything retrieval needs to know about a question; an English one gets Chinese words added.
    `spelt` is the known places' pinyin (made from them when not given); `swap_document` turns a follow-up that
    names only another document into the earlier question about that one (catalogue.swap_document); `ordinary`
    tells a word the segmenter tags as a place that, in this collection, is none (place_words.PlaceWords.ordinary);
    `in_term` one that starts a term of the collection where the question has it ('安宁疗护'); `about_same_document`
    whether a turn naming no document asks something the document the earlier turn named says (followups)."""
    def places_in(text: str) -> list[str]:
        folded = fold(text)
        found = {p for p in tagged_places(folded) if not ordinary(p) and not in_term(p, folded)} | \
            {p for p in known_places if p in folded}
        if re.search(r"[a-z]", folded):  # pinyin only for Latin letters
            pattern = known.pattern
            for m in pattern.finditer(folded) if pattern is not None else ():
                found |= known.places[m.group(1)]
        return sorted(found, key=lambda p: (folded.find(p) if p in folded else len(folded), p))  # as named

    known = spelt if spelt is not None else cached_spellings(known_places)
    question, history = full_years(question), [full_years(h) for h in history]
    turn = followups.resolve_followups(question, history, places_in, swap_document, about_same_document)
    text, folded = turn.text, _MARKUP.sub(" ", fold(turn.text))  # tags are not what anyone asks about
    translations = () if _CJK_RUN.search(folded) else tuple(translate(folded))
    folded = " ".join([folded, *translations])
    places = places_in(text)
    named = years(folded)
    topic = folded
    spelled = [known.of.get(p) or pinyin(p) for p in places] if re.search(r"[a-z]", folded) else []  # 'guangzhou' in English
    for word in [*places, *spelled, *named]:
        topic = topic.replace(word, " ")
    terms = tuple(t for t in dict.fromkeys(tokens(topic)) if t not in question_terms and not t[0].isdigit())
    indicators = figure_nouns(folded, known_places) if not translations else ()
    focus = topic_phrases(fold(turn.focus))
    # A word tagged as a place that is none here ('新建' of '要新建几家…', '上市') is a common word of the
    # collection: no place, and too common to tell what is asked about either.
    common = [p for p in tagged_places(folded) if ordinary(p)]
    phrases = topic_phrases(without_places(folded, [*places, *common]), acronyms_in(text)) if not translations else ()
    return Query(text, folded, fold(turn.context), named, clause_references(folded), tuple(places), terms, translations,
                 indicators, phrases, focus, fold(question))
