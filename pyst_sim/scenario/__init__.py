"""Scenario files: model, loader (schema, file:line errors), matchers, checks and runner."""
