"""The read-only HTTP API of docs/api.md, and the dashboard it serves (`newsevents serve`)."""

from newsevents.api.app import create_app

__all__ = ["create_app"]
