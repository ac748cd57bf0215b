"""Oro-faithful JSON:API server."""
