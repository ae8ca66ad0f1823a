"""Intake dialogs: importing series files."""
