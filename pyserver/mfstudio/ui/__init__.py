"""The standalone UI: an HTTP + WebSocket host for the media/ front-end over the query layer.

:mod:`.api` answers every GET route of docs/ui-api.md through one dispatcher (the language
server reuses it for VS Code panels); :mod:`.live` keeps subscriptions current from file
watches (:mod:`.watch`); :mod:`.server` is the Starlette app, :mod:`.security` its guard,
and :mod:`.serve` starts it for ``mfstudio ui`` and ``metaflow ui``. Submodules are
imported on use: ``import mfstudio.ui`` costs nothing.
"""
