"""Adaptive Card builders: plain functions returning dicts (Adaptive Cards 1.5)."""
