"""The understanding benchmark on a real language model (a small local one by default)."""
