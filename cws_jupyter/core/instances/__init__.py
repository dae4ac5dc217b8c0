"""Workstations: launch from a template (resolving, copying and hardening as needed), keep their
state in the shared store, stop, start, terminate. ``InstanceManager`` (``manager``) is the façade.
"""
