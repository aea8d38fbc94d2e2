"""Actors stage: a knowledge base of countries, organisations, people and agents, matched in text."""

from newsevents.actors.kb import KnowledgeBase, load_kb
from newsevents.actors.resolve import ActorMention, find_actors

__all__ = ["ActorMention", "KnowledgeBase", "find_actors", "load_kb"]
