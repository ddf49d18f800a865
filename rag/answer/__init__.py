"""Answering: route, evidence, gate, the writers, then verify and choose.

Owns turning a question into a checked Answer (or an honest abstention), and chat.
"""
