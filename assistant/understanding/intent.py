"""What a question asks for. Rules on the folded question, documented one by one; pure functions.

Tried in this order (the first that holds wins):

1. conversation: the turn is only a greeting, thanks or a question about the assistant itself;
2. metadata: it asks who issued a document, when, under which 文号 / 索引号 or title — or gives a
   文号 and asks which document that is;
3. outline: it asks for the parts of a document or heading (分哪几个部分, 有几个阶段, 第三部分讲了什么);
4. summary: it asks for an account of a whole document (简单介绍一下…, …主要讲了什么);
5. which_documents: it asks which documents (or places) say something (哪些文件提到…);
6. comparison: it names two or more documents;
7. clause_ref: it names a clause number;
8. figure: it asks for a number (多少, 几个, 比例);
9. lookup: everything else.

Whether an outline or summary question really has a heading or document to list is decided by its
strategy, which falls back to a look-up when it has none (`LIST_CUE` questions like '有哪些重点工程'
are often answered by one clause).
"""
from __future__ import annotations

import re
from typing import Sequence

from assistant.models import Intent
from assistant.query import ACROSS, ASKS_FIGURE, Query
from assistant.asks import (CONTENTS, DOCUMENT_NOUN, PUBLISH, WHICH_DOCUMENT, asks_published_documents,
                            metadata_fields, publishing)

_GREETING = re.compile(
    r"你好|您好|哈喽|嗨|早上好|下午好|晚上好|在吗|谢谢|多谢|感谢|谢了|辛苦了|再见|拜拜|好的|明白了|"
    r"\bhi\b|\bhello\b|\bhey\b|thanks?( you)?|\bthx\b|\bbye\b|good (morning|afternoon|evening)"
)
_ABOUT_ASSISTANT = re.compile(
    r"你(能|会|可以)(做|干|帮|回答)(些)?(什么|啥|哪些)|你是谁|你是什么|你叫什么|怎么用|如何使用|怎么使用|使用说明|"
    r"帮助|能问(些)?什么|可以问(些)?什么|what can you do|what (can|should) i ask|who are you|how (do i|to) use|\bhelp\b"
)

DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,10}[〔\[［(（]\d{4}[〕\]］)）]\d+[号號]")
_ORG = re.compile(r"(委员会|政府|办公室|办公厅|局|厅|委)[^。？?]{0,4}" + PUBLISH)
_OUTLINE = re.compile(
    r"分(为|成|了)?(哪|几)[几些]?(个|大)?(部分|方面|阶段|块|章|节|步|类)|哪[几一二三四五六七八九十]+(项|条|点|个方面|个部分|大块|块|部分|个阶段)|"
    r"有(几|多少)(条|项|点|个方面|个部分|个阶段|大块)|哪[一二三四五六七八九十]+个|有哪些(条|项|点|部分|方面|章|节)|"
    r"(包括|包含|分为|有)哪(几|些)(个|大)?(部分|方面|阶段|章|板块|类)|"
    rf"(几|多少)(个|大)(部分|阶段|章|板块)|(有|分|共|一共|分为)(几|多少)(章|节|编)|{CONTENTS}|框架|提纲|大纲|结构是|"
    r"第[一二三四五六七八九十\d]+大?(部分|章|节|阶段)|(有|包括|分)哪几(条|项|点)|共(有)?(几|多少)(条|项|点)|"
    r"(各|每一?)(章|节|部分|编)的?(标题|名称|题目|名字)"
)
LIST_CUE = re.compile(r"(有|包括|包含|是)哪(些|几)(个|项|条|大)?(重点)?(工程|项目|任务|举措|措施|行动|方面|工作)|"
                      r"(工程|项目|任务|举措|措施|行动|方面)(都|分别|具体)?(是|有|包括)(哪些|哪几|什么)")
_SUMMARY = re.compile(
    r"简(单|要)(地)?(介绍|说|讲|概括)|介绍一下|概括|概述|总结(一)?下|摘要|主要(讲|说|写|规定|包括)(了)?(些)?(什么|啥|哪些)|"
    r"主要内容|讲(了)?(些)?什么内容|总的来说|总体(来看|上看|上)|整体(来看|上看|上)|都做了(哪些|什么)|summar|overview|what is .* about"
)
# 'Roughly': asks for an account of a document ('大概讲了什么'), or hedges a figure asked ('发病率大概是多少').
_ROUGHLY = re.compile(r"大致|大概(讲|说|是)")
_ACROSS_FIRST = re.compile(ACROSS)
# A clause named inside a chapter or part: the most specific number names what is asked.
_WITHIN_A_PART = re.compile(r"第[一二三四五六七八九十百\d]+(?:章|部分|编)第?[（(]?[一二三四五六七八九十百\d]+[)）]?(?:条|项|点|小点|款|节)")
# What a document (named by the question) is about, as a whole.
_ABOUT_WHAT = re.compile(r"(讲|说|写)的?是?(什么|啥)[？?。]*$|是什么内容|是?关于什么的|到底是(什么|啥)|是干什么的|"
                         r"是哪(个|种|类)产品的")
_CITED_DOCUMENT = re.compile(r"(依据|根据|按照|参照|参考|引用|援引)[^。？?，,]{0,8}(哪个|哪份|哪一个|哪一份|什么)(文件|规定|办法|意见|通知|标准|法规)")
_WHICH = re.compile(
    rf"{ACROSS}|哪(个|份)({DOCUMENT_NOUN}|地方|地区|城市)|哪些城市|哪里(提到|提及|有)|"
    r"哪(个|些)(提到|提及|说到|讲到|涉及|写到|有)|有没有文件|是否有文件|"
    r"which (documents?|plans?|files?|places?|cities|regulations?)"
)


# Turns that only acknowledge or close ('收到', '好的', '没事了', '先这样吧'): a closed class of social words.
_ACKNOWLEDGEMENT = re.compile(r"^(?:好的?|收到|明白|了解|知道了|嗯+|ok|okay|行|可以|太好了|没事了?|不用了?|辛苦(?:了|你了)?|"
                              r"麻烦(?:你)?了|打扰(?:一下|了)?|先这样(?:吧)?|就这样|拜拜|再见|谢谢?|谢啦|多谢|"
                              r"回答得(?:很|真|非常)?好|[,，。.!！~～\s]|了|啦|吧|呀|哈|你|你的|的)+$")
# Asked of the assistant itself ('你是机器人吗', '你的数据会保密吗', '你会不会出错'): addressed to it, short, and naming no
# document, no number and nothing to look up.
_ADDRESSED = re.compile(r"(?:^|[，,。\s])(?:你|您)|^(?:这个)?(?:系统|助手|机器人)")
_ASKS_OF_DOCUMENTS = re.compile(rf"{DOCUMENT_NOUN}|通知|意见|\d|告诉我|查一?下?|找一?下?|搜|规定|要求|目标|多少|哪些地方")
ADDRESSED_LENGTH = 16  # characters: a longer turn addressed to the assistant carries a question of its own


def is_conversation(asked: str) -> bool:
    """Only a greeting, thanks or a question about the assistant: nothing left once those are removed."""
    if _ACKNOWLEDGEMENT.match(asked.strip()):
        return True
    if (_ADDRESSED.search(asked) and len(asked) <= ADDRESSED_LENGTH and not _ASKS_OF_DOCUMENTS.search(asked)
            and not ASKS_FIGURE.search(asked)):
        return True
    if not (_GREETING.search(asked) or _ABOUT_ASSISTANT.search(asked)):
        return False
    rest = _ABOUT_ASSISTANT.sub("", _GREETING.sub("", asked))
    rest = re.sub(r"[\W_\d]+|请问|请|一下|这个|那个|工具|助手|系统|软件|你们|呀|啊|吗|呢|吧|我|想|问|你|能|可以|的|了|都|些|"
                  r"还|对|好|哦|嗯|很|非常|有用|有帮助|\b(that|this|it|is|was|helps?|helpful|great|ok|okay|very|much|so|"
                  r"a lot|you|for|the)\b", "", rest)
    return len(rest) <= 1


def names_document_number(folded: str) -> str | None:
    m = DOC_NUMBER.search(folded)
    return m.group() if m else None


def classify(query: Query, named_documents: int, names: Sequence[str] = ()) -> Intent:
    """The intent of a question, given how many documents it names (by place or title) and their names (folded
    titles and file paths: words of the question that only name a document say nothing of what it asks).

    A follow-up with a subject of its own and no cue of its own ('那妇幼服务提升工程呢？' after
    '…乡村能力提升工程包括哪些内容？') asks what the earlier turn asked: it takes that turn's cue.
    """
    if is_conversation(query.asked or query.folded):
        return Intent.CONVERSATION
    cued = cue_intent(query.folded, bool(query.years))
    if cued is None and query.context and not _asks_figure_or_clause(query):
        cued = cue_intent(query.context, False) or (Intent.OUTLINE if LIST_CUE.search(query.context) else None)
        if cued is Intent.METADATA and _OWN_QUESTION.search(query.asked):
            cued = None  # asks about content in words of its own, not for another field of the document's record
    if cued is Intent.OUTLINE and _composition_of_a_thing(query.folded, names):
        cued = None  # '实时荧光PCR分析仪通常由哪几个部分（模块）组成？': the device's parts, as its document states them
    if cued is not None:
        return cued
    if named_documents > 1 and not _ASKS_WHY.search(query.folded):  # 'C肽为什么比胰岛素更能…': one's reason, looked up
        return Intent.COMPARISON
    if LIST_CUE.search(query.folded):
        return Intent.OUTLINE
    if query.clause_refs:
        return Intent.CLAUSE_REF
    if ASKS_FIGURE.search(query.folded):
        return Intent.FIGURE
    if named_documents == 1 and _ABOUT_WHAT.search(query.folded) and not _of_a_thing_in_it(query.folded, names):
        # '那个Excel表到底是什么内容？': all of it
        return Intent.SUMMARY
    if asks_about_whole(query, named_documents, names):
        return Intent.SUMMARY
    return Intent.LOOKUP


_ASKS_WHY = re.compile(r"为什么|为何|什么原因|何以")


# What something is made of ('X由哪几个部分组成'): X's parts; a document's when X is one ('这份方案由哪几部分组成').
_COMPOSED_OF = re.compile(r"^(.*?)(?:通常|一般|主要|大致)?由(?:哪|几)")


def _composition_of_a_thing(folded: str, names: Sequence[str]) -> bool:
    """'X由哪几部分组成' of a thing a document is about, not of the document: X names no document, points at none and
    does not end as a named document's title does ('钦州工作要点由哪几部分组成' asks of the 工作要点)."""
    composed = _COMPOSED_OF.search(folded)
    if composed is None:
        return False
    thing = re.sub(r"[\W_]+", "", composed.group(1))
    return bool(thing) and not (re.search(DOCUMENT_NOUN, thing) or _POINTS_AT_DOCUMENT.search(thing)
                                or any(len(name) >= 2 and thing.endswith(name[-2:]) for name in names))


# What is asked about, when a possessive names it right before '是干什么的' ('…八大工程的督医制度是干什么的').
_POSSESSED = re.compile(r"的([^的，,。？?\s]{2,12}?)(?:到底|究竟|其实|实际上?)?$")


def thing_asked_about(folded: str) -> str:
    """What '…的X是干什么的', '…的X讲的是什么', '…中的X是什么内容' asks about: X; '' for any other question."""
    about = _ABOUT_WHAT.search(folded)
    possessed = _POSSESSED.search(folded[:about.start()]) if about else None
    return possessed.group(1) if possessed else ""


def _of_a_thing_in_it(folded: str, names: Sequence[str]) -> bool:
    """'…的督医制度是干什么的', '…原则中的随访记录单是什么内容': what a thing the document has is about, not what the
    document is; '那个Excel表到底是什么内容', '…的这份文件是关于什么的' ask of the document."""
    thing = thing_asked_about(folded)
    return bool(thing) and not (_ABOUT_WHOLE_WORD.match(thing) or _POINTS_AT_DOCUMENT.search(thing)
                                or any(thing in name for name in names))


# What a whole document has, as staff ask for it ('这份材料的重点是什么', '主要汇报了哪些东西', '讲了些啥'): the words
# of a question that asks for no part of a document in particular.
_WHOLE_ASPECTS = ("内容|重点|要点|主旨|大意|精神|思路|核心|中心思想|中心|东西|事情|事项|事|情况|意思|简介|介绍|总结|概括|梳理|"
                  "提炼|归纳|简述|讲讲|讲|说说|说|写|汇报|反映|了解|整体|总体|大体|全文|整篇|基本|主要|用途|目的|作用|干什么|干嘛|用")
# A word of the topic that says nothing but that: aspects, document nouns and pointers ('核心内容', '篇文章', '这部').
_ABOUT_WHOLE_WORD = re.compile(rf"^(?:{_WHOLE_ASPECTS}|{DOCUMENT_NOUN}|通知|意见|公告|通告|纲要|[这那该本此份篇部个])+$")
# Kinds of content a document has some of, which the topic's stop list drops ('目标', '措施'): asked for, they are a part.
_PART_OF_CONTENT = re.compile(r"目标|任务|措施|举措|指标|要求|安排|部署|做法|进展|成效|打算|工程|项目|行动|职责|条件|程序|流程")
_POINTS_AT_DOCUMENT = re.compile(rf"(?:这|该|此|那|本)(?:份|个|篇|部|一)?{DOCUMENT_NOUN}|这份|这篇|这部|{DOCUMENT_NOUN}")


def asks_about_whole(query: Query, named_documents: int, names: Sequence[str] = ()) -> bool:
    """A question about a document (named, or pointed at: '这份文件') whose every other word is one of what a whole
    document has ('…的核心内容是什么', '帮我梳理一下这个文件的主要精神'): it asks for all of it, in brief."""
    if query.cross_lingual or not (named_documents == 1 or _POINTS_AT_DOCUMENT.search(query.folded)):
        return False
    plain = lambda text: re.sub(r"[^\w]", "", text)  # '木垒县“健康中国”行动…' is named without its quotes
    asked = plain(query.asked or query.folded)
    for name in names:  # '…健康中国行动工作落实情况这篇材料…': 行动 names the document, it asks for no 行动
        asked = asked.replace(plain(name), " ")
    if _PART_OF_CONTENT.search(asked):  # '计划的主要目标是什么': its targets, not all of it
        return False
    words = [w for phrase in query.topic for w in phrase.split()]
    return all(_ABOUT_WHOLE_WORD.match(w) for w in words)


# A turn asking with a question word of its own ('那它要求…每年什么时候前报告…？' after '…是哪天开始施行的？'), not only
# '呢' after a new subject, asks its own question of the document's text, not of its record; a part of an earlier
# turn's list ('第二个阶段是什么时间段？' after '…分几个阶段？') is still asked as that turn asked.
_OWN_QUESTION = re.compile(r"什么|怎么|怎样|如何|哪|多少|几|谁|是否|有没有|能否|吗")


def _asks_figure_or_clause(query: Query) -> bool:
    return bool(query.clause_refs or ASKS_FIGURE.search(query.folded))


def cue_intent(text: str, names_year: bool) -> Intent | None:
    """Rules 2–5: metadata, outline, summary, which-documents, when the text says so."""
    if _CITED_DOCUMENT.search(text):  # '依据哪个文件制定的，文号多少？': a document the text cites, looked up in it
        return None
    if metadata_fields(text) or (names_document_number(text) and WHICH_DOCUMENT.search(text)) or (
            asks_published_documents(text) and (names_year or publishing(_ORG, text))):
        return Intent.METADATA
    if _ACROSS_FIRST.search(text):  # '引用了罕见病目录的有哪几份？': documents asked for, whatever the words
        return Intent.WHICH_DOCUMENTS
    if _WITHIN_A_PART.search(text):  # '第二章第八条的内容', '第三部分第（二）项写的啥': the clause, not the chapter's parts
        return None
    if _OUTLINE.search(text):
        return Intent.OUTLINE
    if _SUMMARY.search(text) or _ROUGHLY.search(text) and not ASKS_FIGURE.search(text):
        return Intent.SUMMARY
    if _WHICH.search(text):
        return Intent.WHICH_DOCUMENTS
    return None


# How a question counts documents ('有几份', '几个文件', '多少份指导原则'): asking which they are.
_COUNTING_DOCUMENTS = re.compile(rf"(?:几|多少)\s*(?:[份个部篇]\s*(?:{DOCUMENT_NOUN})?|{DOCUMENT_NOUN})")
# Any other question word asks something of a document, not for documents ('依据哪个文件制定的，文号多少',
# '各文件分别提了什么数字').
_ASKS_SOMETHING = re.compile(r"什么|多少|哪|怎|如何|为何|为什么|是否|吗|呢|几")


def asks_only_for_documents(folded: str) -> bool:
    """The question names a kind of document ('文件', '规划', '指导原则') and asks nothing but which or how many:
    '列出提到家庭医生的文件', '家庭医生相关的文件有几份'."""
    return re.search(DOCUMENT_NOUN, folded) is not None and not _ASKS_SOMETHING.search(_COUNTING_DOCUMENTS.sub("", folded))
