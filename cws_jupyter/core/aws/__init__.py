"""AWS access: sessions and clients (session.py), cached image/SSM lookups (images.py)."""
