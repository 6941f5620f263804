"""Writes of the repertoire: plain functions that take the acting user and check permission."""
