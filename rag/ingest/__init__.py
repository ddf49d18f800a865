"""Ingest: files found, read as text (every format), split into token-aware chunks.

Owns turning a folder into chunks with exact spans; the index folder stores them.
"""
