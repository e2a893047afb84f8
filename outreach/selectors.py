"""Reads of outreach events that depend on the user."""
