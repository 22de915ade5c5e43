"""The library API that the CLI, the UI, the evaluation and the tests all use."""
from __future__ import annotations

import functools
import hashlib
import re
import shutil
import sys
import threading
import traceback
import unicodedata
from dataclasses import dataclass, replace
from typing import Callable, Iterator, Sequence

from assistant import answering
from assistant.config import Config
from assistant.features import main_place
from assistant.model_prep import ModelError
from assistant.memory import Trimmer, release_freed_memory
from assistant.priority import lower_this_thread
from assistant.index import Manifest, SearchIndex, build_index, index_problems, intact_generations, load_generation
from assistant.targets import Targets
from assistant.understanding import QuestionReader, Understanding
from assistant.understanding.kind_examples import KindExamples
from assistant.hits import Retrieval
from assistant.models import PATH_SEPARATOR, Answer, Clause, Document, Intent, Prose, in_collection
from assistant.query import load_segmenter_in_background
from assistant.labels import label_matches
from assistant.retrieval import Retriever
from assistant.store import open_store
from assistant.textnorm import fold


class InvalidQuestion(ValueError):
    """A question the assistant will not try to answer.

    `reason` is the Chinese sentence for the user; str() adds a short English gloss for logs and the CLI.
    """

    def __init__(self, reason: str, gloss: str):
        super().__init__(f"{reason} ({gloss})")
        self.reason = reason


def validate_question(question: object, max_chars: int) -> str:
    """The question, stripped; or InvalidQuestion with a one-line reason."""
    if not isinstance(question, str):
        raise InvalidQuestion("问题必须是文本", "question must be a string")
    stripped = question.strip()
    if not stripped:
        raise InvalidQuestion("问题为空，请输入问题", "empty question")
    if len(stripped) > max_chars:
        raise InvalidQuestion(f"问题过长（{len(stripped)} 字），请缩短到 {max_chars} 字以内", "question too long")
    bad = [ch for ch in stripped if ch not in "\t\n\r" and unicodedata.category(ch) == "Cc"]
    if bad:
        raise InvalidQuestion(f"问题含有控制字符 U+{ord(bad[0]):04X}，请删除后重试", "control character in question")
    if not any(unicodedata.category(ch)[0] in "LN" for ch in stripped):
        # Emoji or punctuation alone ('👍', '？？'): no words to search for, and no follow-up of anything.
        raise InvalidQuestion("没有看到文字，请用文字输入问题，例如“2022年孕产妇死亡率的目标是多少？”", "no words in question")
    return stripped


ENCODERS = ("onnx-int8", "onnx", "torch")


def open_embedder(config: Config, progress: bool = True):
    """The encoder `config.encoder` names. The ONNX ones never import torch: their prepared folder is
    made, if missing, by `python -m assistant prepare` in a child process (set-up runs it first)."""
    if config.encoder not in ENCODERS:
        raise ModelError(f"unknown encoder {config.encoder!r}; choose one of {', '.join(ENCODERS)}")
    if config.encoder == "torch":
        from assistant.embedding import Embedder, load_model

        return Embedder(load_model(config.model, config.cache_dir, progress=progress))
    from assistant.model_prep import encoder_folder, encoder_ready
    from assistant.onnx_encoder import OnnxEmbedder

    folder = encoder_folder(config.base_model_id, config.cache_dir)
    precision = "int8" if config.encoder == "onnx-int8" else "fp32"
    if encoder_ready(folder):
        try:
            return OnnxEmbedder(folder, precision)
        except Exception as exc:  # noqa: BLE001 - onnxruntime's own error types for a damaged file
            _say(f"the prepared encoder in {folder} cannot be read ({type(exc).__name__}); preparing it again")
            shutil.rmtree(folder, ignore_errors=True)
    _prepare_in_child(config, progress)
    return OnnxEmbedder(folder, precision)


def embedder_in_background(config: Config, progress: bool = True) -> Callable[[], object]:
    """Start open_embedder in a thread, so the encoder loads while the index is read (sentencepiece builds
    its trie mostly without the GIL: ~0.85 s at each start); returns the call that waits for it (and
    raises what opening it raised)."""
    loaded: dict = {}

    def load() -> None:
        try:
            loaded["embedder"] = open_embedder(config, progress)
        except BaseException as exc:  # noqa: BLE001 - handed to whoever waits, in their thread
            loaded["error"] = exc

    thread = threading.Thread(target=load, name="encoder-load", daemon=True)
    thread.start()

    def wait() -> object:
        thread.join()
        if "error" in loaded:
            raise loaded["error"]
        return loaded["embedder"]

    return wait


def _prepare_in_child(config: Config, progress: bool) -> None:
    """`python -m assistant prepare` for this model and cache, its progress on our stderr."""
    import subprocess

    command = [sys.executable, "-m", "assistant", "prepare", "--model", config.model, "--cache", str(config.cache_dir)]
    if not progress:
        command.append("--quiet")
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=None if progress else subprocess.PIPE, text=True)
    if done.returncode != 0:
        said = (done.stderr or "").strip().splitlines()
        raise ModelError(f"preparing the ONNX encoder failed ({said[-1] if said else f'exit {done.returncode}'}); "
                         "run: python -m assistant prepare, or use --encoder torch")


@dataclass(frozen=True)
class Live:
    """What answers come from, replaced as a whole when a newer index is ready (one reference
    swap, so a question being answered keeps the generation it started with)."""

    index: SearchIndex
    reader: QuestionReader
    retriever: Retriever
    context: answering.AnswerContext


class Assistant:
    """Loads the index and the model once; answers questions; looks clauses up."""

    def __init__(self, config: Config, index: SearchIndex, embedder, progress: bool = False):
        self.config = config
        self.embedder = embedder
        self.updating: threading.Thread | None = None  # a background build, when serving an earlier generation
        self.progress = progress
        self.generator = open_generator(config)  # None: answers are extractive only, as without this feature
        # Answers composed at once by ask_stream: the server gives prose streams workers beyond
        # queue_concurrency (they wait on the endpoint), so the CPU-bound composing is bounded here.
        self._composing = threading.BoundedSemaphore(max(1, int(config.queue_concurrency)))
        self._live = self._prepare(index)
        self._trimmer = Trimmer()
        release_freed_memory()  # what reading the index freed

    def _prepare(self, index: SearchIndex) -> Live:
        retriever = Retriever(index, self.embedder, open_store(self.config, index, progress=self.progress))
        reader = QuestionReader(index, retriever.folded_document, self.config.cache_dir, self._kind_of)
        outline = lambda source: index.whole_clauses.get(source, ())  # noqa: E731
        context = answering.AnswerContext(index.documents, outline, retriever.idf, retriever.folded,
                                          retriever.folded_document, self.config.top_k, index.features.documents_with,
                                          index.targets, reader.synonyms, functools.cache(
                                              lambda source: main_place(index.features.documents[source])),
                                          index.whole_clauses.holding)
        return Live(index, reader, retriever, context)

    @functools.cached_property
    def _kind_examples(self) -> KindExamples:  # encoded once per model and encoder, kept beside the model
        encoder = f"{self.config.model}-{type(self.embedder).__name__}-{getattr(self.embedder, 'precision', '')}"
        return KindExamples.encode(self.embedder.encode_queries, self.config.cache_dir / "kind-examples" / encoder)

    def _kind_of(self, question: str) -> tuple[Intent, float]:
        """The kind of question most of its nearest labelled examples are (understanding/kind_examples.py)."""
        return self._kind_examples.nearest(self.embedder.encode_query(fold(question)))

    def use_index(self, index: SearchIndex) -> None:
        """Answer from `index` from now on (questions already being answered finish on the old one)."""
        self._live = self._prepare(index)

    @property
    def index(self) -> SearchIndex:
        return self._live.index

    @property
    def retriever(self) -> Retriever:
        return self._live.retriever

    @property
    def context(self) -> answering.AnswerContext:
        return self._live.context

    @classmethod
    def open(cls, config: Config | None = None, progress: bool = True) -> "Assistant":
        """Load the model, bring the index up to date (embedding only what changed) and load it."""
        config = config or Config.from_env()
        embedder = embedder_in_background(config, progress)
        load_segmenter_in_background()
        index, _ = build_index(config, embedder, progress=progress)
        return cls(config, index, embedder(), progress)

    @classmethod
    def open_for_serving(cls, config: Config | None = None, progress: bool = True) -> "Assistant":
        """Like open(), except that when the index needs work (a changed corpus, a damaged file) and an
        intact earlier generation exists, it answers from that one at once and brings the index up to
        date in a background thread (`updating`), switching to it when it is done."""
        config = config or Config.from_env()
        embedder = embedder_in_background(config, progress)
        load_segmenter_in_background()
        problems = index_problems(config)
        if not problems:  # checked already: loaded as it is
            return cls(config, load_generation(config.index_dir, Manifest.read(config.index_dir)), embedder())
        fallback = next(iter(intact_generations(config)), None)
        if fallback is None:
            return cls(config, build_index(config, embedder, progress=progress)[0], embedder())
        assistant = cls(config, load_generation(config.index_dir, fallback), embedder())
        _say(f"index needs work ({'; '.join(problems)}); answering meanwhile from generation "
             f"{fallback.generation} (built {fallback.built_at}, {fallback.clauses} clause parts)")
        assistant.updating = threading.Thread(target=assistant._catch_up, args=(progress,), daemon=True,
                                              name="index-update")
        assistant.updating.start()
        return assistant

    def _catch_up(self, progress: bool) -> None:
        """The background build of open_for_serving(); on failure the earlier generation keeps answering."""
        lower_this_thread(self.config.build_niceness)  # questions answered meanwhile first
        try:
            index, embedded = build_index(self.config, lambda: self.embedder, progress=progress)
        except Exception as exc:  # one line: the server goes on answering from what it has
            _say(f"the index could not be brought up to date ({type(exc).__name__}: {exc}); "
                 f"still answering from generation {self.index.manifest.generation}")
            return
        self.use_index(index)
        _say(f"index up to date ({embedded} clause parts embedded); now answering from generation "
             f"{index.manifest.generation}")

    def ask(self, question: str, history: Sequence[str] = (), collection: str = "") -> Answer:
        """The answer to `question` after the earlier `history`; given `collection` ('法规库/本地文件', '法规库 ›
        本地文件'), from the documents in that folder and its sub-folders only."""
        question = validate_question(question, self.config.max_question_chars)
        live = self._live  # one generation for the whole answer, even if a newer one arrives meanwhile
        scope, context = self._scoped(live, collection)
        if answering.is_conversation(fold(question)):  # no search: a greeting is not a follow-up of anything
            return answering.help_answer(question, context)
        # Greetings and thanks earlier in the conversation are no subject a follow-up could lean on.
        history = [h for h in history if isinstance(h, str) and h.strip() and not answering.is_conversation(fold(h))]
        parts = answering.question_parts(question)
        if len(parts) > 1:  # '…哪次会议通过的？从什么时候开始施行？': each part, the later ones as follow-ups
            return answering.joined(question, self._in_parts(live, parts, history, scope, context))
        place = answering.ordinal_asked(fold(question)) if history else None
        if place is not None:  # '第二个是什么？': an item of the list the earlier answer gave
            earlier = self.ask(history[-1], history[:-1], collection)
            picked = answering.nth_item(question, earlier, place, context)
            if picked is not None:
                return picked
        return self._answer(live, live.reader.understand(question, history, scope), context)

    def _in_parts(self, live: Live, parts: list[str], history: list[str], scope: frozenset[str] | None,
                  context: answering.AnswerContext) -> list[Answer]:
        return answering.asked_in_parts(parts, history, scope, live.reader.understand,
                                        lambda understanding: self._answer(live, understanding, context))

    def _answer(self, live: Live, understanding: Understanding, context: answering.AnswerContext) -> Answer:
        self._trimmer.tick()
        return answering.answer(live.retriever.retrieve(understanding, self.config.top_k), context)

    def understand(self, question: str, history: Sequence[str] = (), collection: str = "") -> Understanding:
        """What `ask` understands of a question before it searches (assistant/understanding)."""
        live = self._live
        return live.reader.understand(question, history, self._scoped(live, collection)[0])

    def retrieve(self, question: str, history: Sequence[str] = (), collection: str = "") -> Retrieval:
        """What `ask` finds for a question: its Understanding, searched."""
        return self._live.retriever.retrieve(self.understand(question, history, collection), self.config.top_k)

    def example_questions(self) -> list[str]:
        """Questions a new user can click, made from the collection's own titles and targets."""
        return answering.collection_examples(self.context)

    def collections(self) -> list[str]:
        """Every folder of the library holding documents, and the folders above them, as staff name them."""
        found = set()
        for source in self.documents:
            folders = source.split("/")[:-1]
            found.update(PATH_SEPARATOR.join(folders[:n]) for n in range(1, len(folders) + 1))
        return sorted(found)

    def _scoped(self, live: Live, collection: str) -> tuple[frozenset[str] | None, answering.AnswerContext]:
        if not isinstance(collection, str) or not collection.strip():
            return None, live.context
        scope = frozenset(s for s in live.index.documents if in_collection(s, collection))
        if not scope:
            shown = collection.strip()[:80]
            raise InvalidQuestion(f"文档库中没有“{shown}”这个文件夹，或其中没有文件", f"no collection {shown!r}")
        return scope, replace(live.context, documents={s: live.index.documents[s] for s in sorted(scope)})

    def ask_stream(self, question: str, history: Sequence[str] = (),
                   conversation: Sequence[tuple[str, str]] = (), collection: str = "") -> Iterator[Answer]:
        """The extractive answer at once, then (with a generator, for a found answer) the same answer with
        its prose as the checked sentences arrive; the last one yielded is final. `conversation` is the
        earlier (question, answer text) pairs the model may see; `history` is as for ask()."""
        with self._composing:
            answer = self.ask(question, history, collection)
        yield answer
        if self.generator is None:
            return
        from assistant.generation.compose import failed_prose, wants_prose, write_prose

        if not wants_prose(answer):
            return
        prose = Prose("", done=False)  # being worded: nothing received yet (the model reads its prompt first)
        yield replace(answer, prose=prose)
        try:
            records = [[(t.value, t.year) for t in self.targets.targets_of(c.source)
                        if c.clause.start <= t.start and t.end <= c.clause.end] for c in answer.citations]
            for prose in write_prose(answer, self.generator.stream, conversation, records):
                yield replace(answer, prose=prose)
        except Exception as exc:  # a fault of ours while wording: the extractive answer still stands
            _say(f"prose answer failed:\n{traceback.format_exc()}")
            yield replace(answer, prose=failed_prose(f"{type(exc).__name__}: {exc}", prose.received))
            return
        if prose.error:
            _say(f"prose answer fell back: {prose.error}")

    def ask_with_prose(self, question: str, history: Sequence[str] = (),
                       conversation: Sequence[tuple[str, str]] = (), collection: str = "") -> Answer:
        """The final answer of ask_stream()."""
        answer = None
        for answer in self.ask_stream(question, history, conversation, collection):
            pass
        return answer

    def warm_up(self) -> None:
        """Load what loads on first use (jieba, OpenCC, pinyin, the English dictionary) before a user waits."""
        self.ask("家庭医生签约服务有什么安排？")
        self.ask("What are the targets for family doctor services?")
        release_freed_memory()

    @property
    def documents(self) -> dict[str, Document]:
        return self.index.documents

    @property
    def targets(self) -> Targets:
        """Every quantified statement of the live index's documents (assistant/targets/), extracted at build time."""
        return self.index.targets

    def outline(self, source: str) -> tuple[Clause, ...]:
        """A document's whole clauses in order (not split into parts), for browsing."""
        return self.index.whole_clauses.get(source, ())

    def page_image(self, source: str, offset: int) -> tuple[int, bytes] | None:
        """(page number, PNG) of the PDF page holding `offset` in `source`, the passage there marked;
        None for documents without pages or when the page cannot be shown (the reason goes to stderr)."""
        from assistant.ingest import CorpusError
        from assistant.ingest.pages import page_png

        document = self.documents.get(source)
        if document is None or not document.pages or not 0 <= offset < len(document.text):
            return None
        page = document.page_at(offset)
        clause = next((c for c in self.outline(source) if c.start <= offset < c.end), None)
        page_start = document.pages[page - 1]
        page_end = document.pages[page] if page < len(document.pages) else len(document.text)
        start, end = (clause.start, clause.end) if clause else (offset, offset + 1)
        passage = document.text[max(start, page_start):min(end, page_end)]
        try:
            data = (self.config.corpus_dir / source).read_bytes()
            if hashlib.sha256(data).hexdigest() != document.sha256:
                return None  # the file changed since it was indexed: its page would not match the text
            if b"%PDF-" not in data[:1024]:
                return None  # an OFD or a deck has pages (their citations name them) but no page image yet
            return page, page_png(source, data, page, passage)
        except (OSError, CorpusError) as exc:
            _say(f"cannot show page {page} of {source}: {exc}")
            return None

    def lookup(self, source: str, label: str) -> list[Clause]:
        """Clauses of one document answering to a typed label: exact label first, then suffix."""
        wanted = re.sub(r"\s+", "", label)
        clauses = [c for c in self.outline(source) if label_matches(c.label, wanted)]
        return sorted(clauses, key=lambda c: (c.label != wanted.replace("(", "（").replace(")", "）"), c.start))


def open_generator(config: Config):
    """The prose generator `config.llm_url` names, or None when it names none (the default)."""
    if not config.llm_url:
        return None
    from assistant.generation.client import GeneratorConfig, check_url

    return GeneratorConfig(check_url(config.llm_url), config.llm_model, config.llm_api_key_env,
                           float(config.llm_timeout))


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
