"""The index: the Chroma store, the embedding model, hybrid retrieval and the writer lock.

Owns where chunks live and how the best ones for a question are found.
"""
