"""The AMI lifecycle: build an image from a workstation, list, inspect, share, copy, delete,
deprecate and publish it; what stored images cost. ``ImageManager`` (``manager``) is the façade.

Nothing is imported here: the resolver reads ``images.tags`` on its hot path.
"""
