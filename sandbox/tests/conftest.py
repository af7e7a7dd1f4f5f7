"""Sandbox tests reuse the sandbox launcher from top_client/tests."""
