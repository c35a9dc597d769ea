"""Errors the API answers with a JSON message instead of a stack."""


class ApiError(Exception):
    """A client mistake: answered with ``status`` and ``{"detail": message}``."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.message = message
        self.status = status
