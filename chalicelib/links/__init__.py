"""E-mail survey links: signed, expiring, one per score; following one records the score once."""
