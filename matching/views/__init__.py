"""Views of the matching app, one module per sub-domain."""
