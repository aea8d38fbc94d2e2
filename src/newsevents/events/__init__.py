"""Events stage: verb and noun triggers on the dependency parse, coded in CAMEO and PLOVER."""

from newsevents.events.coder import EventCandidate, code_sentence_events
from newsevents.events.ontology import CameoCode, load_ontology

__all__ = ["CameoCode", "EventCandidate", "code_sentence_events", "load_ontology"]
