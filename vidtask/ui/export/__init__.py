"""The "Export packets…" dialog."""
