"""The unseen benchmark: steward questions on catalogs nobody tuned the explorer to."""
