"""Tests of the sans-IO AGI core (pyst.agi: messages, protocol, quoting, spec)."""
