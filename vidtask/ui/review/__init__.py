"""Coordinator review: the queue of proposed series, dissemination list, country feedback."""
