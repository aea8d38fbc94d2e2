"""NLP stage: the spaCy pipeline, loaded once per process."""

from newsevents.nlp.model import MODEL_PACKAGE, load_nlp, text_of

__all__ = ["MODEL_PACKAGE", "load_nlp", "text_of"]
