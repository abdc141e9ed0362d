"""Self-service privacy requests: a person files, verifies and receives their own rights request."""
