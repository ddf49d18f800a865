"""The text layer: sentences, names, shared words and the word lists every check reads.

Owns how text is read (where a sentence ends, what a name is, which words count);
imports nothing from the rest of rag but its tuned numbers (rag.thresholds), so every
folder can use it. The word lists are in rag/text/lexicon.py.
"""
