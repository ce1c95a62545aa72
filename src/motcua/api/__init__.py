"""The REST API (``/api/v1/``): a thin layer over the services, selectors and access rules."""
