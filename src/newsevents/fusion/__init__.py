"""Cross-article event fusion: many sentence-level mentions of one real-world happening -> one fused event.

    from newsevents.fusion import Fuser, FusionConfig, fuse
    events = fuse(articles)                      # a whole corpus at once
    fuser = Fuser(FusionConfig(date_window_days=2))
    changed = fuser.add(article)                 # or one article at a time: the same clusters and ids
    fuser.load(stored_events)                    # resume from fused events kept elsewhere

Modules: config (thresholds and tables), mention (what is compared, and provenance), compat (each
criterion), index (finding candidates), fuser (clustering, batch and incremental), fused (the fused event
and its representative values and confidence).
"""

from newsevents.fusion.config import FusionConfig
from newsevents.fusion.fused import FusedEvent
from newsevents.fusion.fuser import Fuser, FusionUpdate, fuse
from newsevents.fusion.mention import Mention, mentions_of

__all__ = ["FusedEvent", "Fuser", "FusionConfig", "FusionUpdate", "Mention", "fuse", "mentions_of"]
