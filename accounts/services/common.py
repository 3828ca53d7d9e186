"""Helpers shared by the accounts services."""

# Marks "argument not given" where None is a meaningful value (e.g. clear the unit).
UNSET = object()
