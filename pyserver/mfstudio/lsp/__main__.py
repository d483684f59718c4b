"""``python -m mfstudio.lsp``: run the language server over stdio."""

from __future__ import annotations

from mfstudio.lsp.server import main

__all__: list[str] = []

if __name__ == "__main__":
    main()
