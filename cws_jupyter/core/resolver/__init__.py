"""The Universal AMI resolver: tiers, cross-region search, fallback decision, costs, availability."""
