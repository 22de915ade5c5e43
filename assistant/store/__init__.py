"""Where a generation's rows are searched, chosen by one setting (`--store` / PLAN_STORE):

- `local` (the default): FAISS and BM25 arrays from the generation folder, in this process;
- `milvus`: Milvus Lite, in a `milvus.db` folder inside the index folder;
- a path ending in `.db`: Milvus Lite there;
- `http://host:19530` (or https): a Milvus server or cluster (token: PLAN_MILVUS_TOKEN).
"""
from __future__ import annotations

from pathlib import Path

from assistant.store.base import Store, StoreError
from assistant.store.local import LocalStore

__all__ = ["Store", "StoreError", "LocalStore", "open_store", "milvus_uri"]


def milvus_uri(setting: str, index_dir: Path) -> str | None:
    """The Milvus URI a store setting names; None for the local store."""
    if setting in ("", "local"):
        return None
    if setting == "milvus":
        return str(Path(index_dir).resolve() / "milvus.db")
    if setting.startswith(("http://", "https://", "tcp://", "grpc://")):
        return setting
    if setting.endswith(".db"):
        return str(Path(setting).resolve())
    raise StoreError(f"unknown store {setting!r}: use local, milvus, a path ending in .db or http://host:19530")


def open_store(config, index, progress: bool = False) -> Store:
    """The store `config.store` names, holding `index`'s generation (a Milvus collection is filled
    from the generation's vectors the first time it is opened)."""
    uri = milvus_uri(config.store, config.index_dir)
    if uri is None:
        return LocalStore.of(index)
    from assistant.store.milvus import MilvusStore, collection_prefix

    return MilvusStore(uri, index, Path(config.index_dir), collection_prefix(config.index_dir),
                       config.milvus_token, progress)
