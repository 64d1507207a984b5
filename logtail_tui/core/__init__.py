"""Pure-Python heart of logtail: records, framing, levels, sanitising, store, filters.

Nothing here imports Textual, rich, typer or any network library; a test enforces it.
"""
