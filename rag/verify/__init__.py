"""Verification: every sentence shown is checked against the passage it cites.

Owns the citations (cite), the exact checks (numbers, names, polarity, attribution,
roles, terms) run in order, then the judge's yes/no; the answering model has no say here.
"""
