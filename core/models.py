"""core holds no tables of its own: the outbox moved to the `outbox` app."""
