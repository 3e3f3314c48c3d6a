"""Utilities for skmnist's developers and tests."""
