"""Cycle overview, alignment tree, units, health, cycle close."""

urlpatterns: list = []
