"""Migration tools (spec "Migration Tools"): is an AMI worth it for each template, write an
``ami_config`` into a copy of a template, build an AMI from a running workstation and map it,
resolve every template in every region. ``MigrationManager`` (``manager``) is the façade.
"""
