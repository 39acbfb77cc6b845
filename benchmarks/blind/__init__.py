"""A measurement set kept apart from the offline model: see README.md."""
