"""The FAISS index of a generation's clause vectors: exact up to EXACT_LIMIT parts, an HNSW graph above.

Building the graph is the slowest step of a rebuild at 10⁵ parts (~18 s on 2 cores), and a rebuild after
one changed file would do it for a few dozen new vectors. So a rebuild keeps the earlier generation's
graph: its nodes are labelled with rows (an `IndexIDMap2` around the graph), the new rows' vectors are
added to it (HNSW is built by adding anyway), and the nodes of removed or changed rows stay in the graph
as holes — still there to route a search through, labelled -1 and never returned. When holes make up
more than HOLE_SHARE of the nodes, the graph is built again from the rows alone.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

EXACT_LIMIT = 20_000  # clause parts up to which FAISS searches exactly; above, an HNSW graph (bench/scale.py: recall)
# e5's vectors crowd together (cosines of 0.7-0.9), which HNSW finds hard: at 10⁵ parts and the evaluation
# questions, efSearch 128 reached recall@10 0.907, 1024 0.987, 2048 0.996 (recall@256, what retrieval asks
# for, 0.992) in 8 ms a question, against 18 ms for exact search. M 48 or efConstruction 200 gained little.
HNSW_LINKS, HNSW_BUILD_DEPTH, HNSW_SEARCH_DEPTH = 32, 80, 2048
HOLE_SHARE = 0.2  # a kept graph with more holes than this share of its nodes is built again


def vector_index(vectors: np.ndarray):
    """Inner product on unit vectors (= cosine): exact (flat) for a collection of up to EXACT_LIMIT
    parts, where it costs a few milliseconds; an HNSW graph above (8 ms at 10⁵ parts, 18 ms exact)."""
    import faiss

    dimension = vectors.shape[1] if vectors.ndim == 2 else 0
    if len(vectors) <= EXACT_LIMIT:
        index = faiss.IndexFlatIP(dimension)
    else:
        index = faiss.IndexHNSWFlat(dimension, HNSW_LINKS, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_BUILD_DEPTH
        index.hnsw.efSearch = HNSW_SEARCH_DEPTH
    index.add(vectors)
    return index


def node_rows(faiss_index) -> np.ndarray:
    """The row each node of the index stands for (-1: a hole); node i is row i unless the graph was kept."""
    import faiss

    index = faiss.downcast_index(faiss_index)
    if isinstance(index, faiss.IndexIDMap):
        return faiss.vector_to_array(index.id_map)
    return np.arange(index.ntotal, dtype=np.int64)


def _graph(faiss_index):
    """The HNSW graph inside an index (kept or not); None for an exact one."""
    import faiss

    index = faiss.downcast_index(faiss_index)
    if isinstance(index, faiss.IndexIDMap):
        index = faiss.downcast_index(index.index)
    return index if isinstance(index, faiss.IndexHNSW) else None


def kept_index(earlier_file: Path, row_map: np.ndarray, vectors: np.ndarray):
    """The earlier generation's HNSW graph (its faiss.index) brought to these rows, or None when it is better
    built again (or cannot be read: then it is built again too).

    `row_map[r]` is the row that the earlier row r holds now (-1: gone); `vectors` are this generation's,
    in row order. Rows no node stands for any more (new or changed files) are added to the graph.
    """
    import faiss

    if len(vectors) <= EXACT_LIMIT:
        return None  # exact search: nothing worth keeping, and the file is not read
    try:
        earlier = faiss.read_index(str(earlier_file))
    except (OSError, RuntimeError):  # FAISS's C++ errors come through as RuntimeError
        return None
    graph = _graph(earlier)
    if graph is None or graph.d != vectors.shape[1]:
        return None
    labels = node_rows(earlier)
    if labels.max(initial=-1) >= len(row_map):
        return None  # not the generation the row map was made from
    labels = np.where(labels >= 0, row_map[np.maximum(labels, 0)], -1)
    covered = np.zeros(len(vectors), dtype=bool)
    covered[labels[labels >= 0]] = True
    added = np.flatnonzero(~covered)
    if np.count_nonzero(labels < 0) > HOLE_SHARE * (len(labels) + len(added)):
        return None
    index = faiss.downcast_index(earlier)
    if not isinstance(index, faiss.IndexIDMap2):
        index = _labelled(graph)
    index.referenced_objects = [earlier]  # a view of what `earlier` owns (a downcast does not own): keep it alive
    faiss.copy_array_to_vector(labels.astype(np.int64), index.id_map)
    if len(added):
        index.add_with_ids(np.ascontiguousarray(vectors[added]), added.astype(np.int64))
    index.construct_rev_map()
    return index


def _labelled(graph):
    """An IndexIDMap2 around a graph that already has nodes (FAISS's constructor wants an empty one, as it
    cannot know the labels of nodes already there; the caller sets them next)."""
    import faiss

    nodes = graph.ntotal
    graph.ntotal = 0
    try:
        index = faiss.IndexIDMap2(graph)
    finally:
        graph.ntotal = nodes
    index.ntotal = nodes
    return index


def prepared_for_search(faiss_index) -> None:
    """Set what writing an index does not keep: the HNSW search depth."""
    graph = _graph(faiss_index)
    if graph is not None:
        graph.hnsw.efSearch = HNSW_SEARCH_DEPTH


def search_rows(faiss_index, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(cosines, rows) of the k nearest rows to one query, best first; holes are never among them."""
    import faiss

    if faiss_index.ntotal == 0 or k <= 0:
        return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
    params = None
    index = faiss.downcast_index(faiss_index)
    if isinstance(index, faiss.IndexIDMap):  # holes are labelled -1: a search that skips them still finds k rows
        params = faiss.SearchParametersHNSW()
        params.efSearch = HNSW_SEARCH_DEPTH
        selector = faiss.IDSelectorRange(0, np.iinfo(np.int64).max)  # held here: params does not keep it alive
        params.sel = selector
    sims, rows = faiss_index.search(query.reshape(1, -1), min(k, faiss_index.ntotal), params=params)
    valid = rows[0] >= 0
    return sims[0][valid], rows[0][valid]


def stored_vectors(faiss_index) -> np.ndarray | None:
    """The vectors inside a flat or HNSW index, in row order, as an array over its own memory (no second
    copy: 150 MB at 10⁵ parts), valid while the index lives; None for a kept graph, whose nodes are not
    in row order (see `row_vectors`)."""
    import faiss

    index = faiss.downcast_index(faiss_index)
    if isinstance(index, faiss.IndexIDMap):
        return None
    return _storage(index)


def _storage(index) -> np.ndarray:
    """A flat or HNSW index's vectors, node by node, as an array over its own memory."""
    import faiss

    flat = faiss.downcast_index(index.storage) if isinstance(index, faiss.IndexHNSW) else index
    if flat.ntotal == 0:
        return np.zeros((0, flat.d), dtype=np.float32)
    return faiss.rev_swig_ptr(flat.get_xb(), flat.ntotal * flat.d).reshape(flat.ntotal, flat.d)


class NodeVectors:
    """The rows' vectors of a kept graph, read from its own storage: row r is node `node_of_row[r]` (nodes of
    removed rows stay in the graph as holes). Indexed like the array of rows it stands for; mapping the
    generation's vectors.npy instead put a second copy of every vector read into the server's memory."""

    def __init__(self, storage: np.ndarray, node_of_row: np.ndarray):
        self.storage, self.node_of_row = storage, node_of_row
        self.shape, self.dtype, self.ndim = (len(node_of_row), storage.shape[1]), storage.dtype, 2

    def __len__(self) -> int:
        return len(self.node_of_row)

    def __getitem__(self, rows):
        return self.storage[self.node_of_row[rows]]

    def __iter__(self):
        return (self.storage[node] for node in self.node_of_row)

    def __array__(self, dtype=None, copy=None):
        rows = self.storage[self.node_of_row]
        return rows if dtype is None else rows.astype(dtype)


def row_vectors(faiss_index) -> "np.ndarray | NodeVectors":
    """The rows' vectors, over the index's own memory: an array when its nodes are the rows, else by node."""
    import faiss

    view = stored_vectors(faiss_index)
    if view is not None:
        return view
    labels = node_rows(faiss_index)
    alive = np.flatnonzero(labels >= 0)
    node_of_row = np.empty(len(alive), dtype=np.int64)
    node_of_row[labels[alive]] = alive
    return NodeVectors(_storage(faiss.downcast_index(faiss.downcast_index(faiss_index).index)), node_of_row)
