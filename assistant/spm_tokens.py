"""The model's tokenizer run by sentencepiece, when tokenizer.json is an XLM-R style unigram.

`tokenizers` holds the 250k-piece unigram of e5 as a trie of Rust maps: 282 MB resident in a
serving process, the largest part of it. sentencepiece holds the same pieces in a double-array trie
(72 MB) and encodes ~4x faster. The ids are the same: `sentencepiece_model` writes the pieces in
tokenizer.json's order, the same normalisation map, the same special ids, and `SentencePieceTokens`
adds what the `tokenizers` pipeline does beyond sentencepiece (the `▁` left by trailing whitespace,
<s> … </s>, truncation). tests/test_onnx_encoder.py checks every plan passage and question both ways.
"""
from __future__ import annotations

import base64


class NotUnigram(ValueError):
    """tokenizer.json is not a pipeline sentencepiece reproduces; `tokenizers` runs it instead."""


def sentencepiece_model(spec: dict) -> bytes:
    """A serialised sentencepiece ModelProto equal to the tokenizers pipeline `spec` (tokenizer.json)."""
    from sentencepiece import sentencepiece_model_pb2 as pb

    charsmap, specials = _check(spec)
    model = pb.ModelProto()
    trainer = model.trainer_spec
    trainer.model_type = pb.TrainerSpec.UNIGRAM
    trainer.vocab_size = len(spec["model"]["vocab"])
    trainer.unk_id = spec["model"]["unk_id"]
    trainer.bos_id, trainer.eos_id, trainer.pad_id = specials["<s>"], specials["</s>"], specials.get("<pad>", -1)
    normalizer = model.normalizer_spec
    normalizer.name = "precompiled"
    normalizer.precompiled_charsmap = charsmap
    normalizer.add_dummy_prefix = True  # Metaspace's prepend_scheme "always"
    normalizer.remove_extra_whitespaces = True  # Replace(" {2,}", " "); the trailing ▁ is added back by hand
    normalizer.escape_whitespaces = True
    kind = pb.ModelProto.SentencePiece
    control = set(specials.values())
    for i, (piece, score) in enumerate(spec["model"]["vocab"]):
        entry = model.pieces.add()
        entry.piece, entry.score = piece, score
        entry.type = kind.UNKNOWN if i == trainer.unk_id else kind.CONTROL if i in control else kind.NORMAL
    return model.SerializeToString()


def _check(spec: dict) -> tuple[bytes, dict[str, int]]:
    """The precompiled normalisation map and the special tokens' ids; NotUnigram for another pipeline."""
    model, normalizer, pre = spec.get("model") or {}, spec.get("normalizer") or {}, spec.get("pre_tokenizer") or {}
    steps = normalizer.get("normalizers", []) if normalizer.get("type") == "Sequence" else []
    shape = ([s.get("type") for s in steps] == ["Precompiled", "Replace"]
             and steps[1].get("pattern") == {"Regex": " {2,}"} and steps[1].get("content") == " "
             and model.get("type") == "Unigram" and not model.get("byte_fallback")
             and pre.get("type") == "Metaspace" and pre.get("replacement") == "▁"
             and pre.get("prepend_scheme") == "always" and pre.get("split") is True)
    single = (spec.get("post_processor") or {}).get("single", [])
    template = [next(iter(s.values())).get("id") for s in single]
    if not shape or len(template) != 3 or template[1] != "A":
        raise NotUnigram("tokenizer.json is not an XLM-R style sentencepiece unigram")
    ids = {t["content"]: t["id"] for t in spec.get("added_tokens", [])}
    if template[0] not in ids or template[2] not in ids:
        raise NotUnigram("tokenizer.json's template names tokens it does not define")
    specials = {"<s>": ids[template[0]], "</s>": ids[template[2]], **({"<pad>": ids["<pad>"]} if "<pad>" in ids else {})}
    specials |= {name: i for name, i in ids.items() if name not in specials}  # <mask> and the like: never in text
    return base64.b64decode(steps[0]["precompiled_charsmap"]), specials


class SentencePieceTokens:
    """encode(text) -> ids, as tokenizers' encode(text).ids with truncation to `max_length`."""

    def __init__(self, model: bytes, max_length: int):
        import sentencepiece as spm
        from sentencepiece import sentencepiece_model_pb2 as pb

        self.processor = spm.SentencePieceProcessor(model_proto=model)
        proto = pb.ModelProto()
        proto.ParseFromString(model)
        proto.normalizer_spec.remove_extra_whitespaces = False
        # The same normalisation keeping the ends: tells whether the text ends in whitespace
        self._normalizer = spm.SentencePieceNormalizer(model_proto=proto.SerializeToString())
        self.bos, self.eos = proto.trainer_spec.bos_id, proto.trainer_spec.eos_id
        self.pad = proto.trainer_spec.pad_id if proto.trainer_spec.pad_id >= 0 else self.eos
        self._space = self.processor.piece_to_id("▁")
        self.max_length = max_length

    def encode(self, text: str) -> list[int]:
        ids = self.processor.encode(text)
        if self._normalizer.normalize(text).endswith(("▁", " ")):
            ids.append(self._space)  # tokenizers keeps one ▁ for trailing whitespace; sentencepiece drops it
        return [self.bos, *ids[: self.max_length - 2], self.eos]
