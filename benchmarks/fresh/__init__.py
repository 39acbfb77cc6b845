"""A kept-apart measurement: steward questions on schemas nobody in the project used."""
