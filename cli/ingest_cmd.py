"""Placeholder until this command module is written."""
COMMANDS: list = []
