"""Small Asterisk apps that the example scenarios in ``scenarios/`` test."""
