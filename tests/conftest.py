"""Test setup: the project's own pytest plugin provides the emulator fixtures."""

pytest_plugins = ["emulator.testing"]
