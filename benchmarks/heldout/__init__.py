"""Held-out understanding benchmark: a steward's questions, written apart from the tuned benchmark."""
