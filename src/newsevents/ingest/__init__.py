"""Ingest stage: find inputs, read and decode them, strip page junk, and recover metadata."""

from newsevents.ingest.clean import clean_document
from newsevents.ingest.readers import iter_documents

__all__ = ["clean_document", "iter_documents"]
