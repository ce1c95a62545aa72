"""The reform plan (kế hoạch CCHC), its tasks per area, legal-document counts and indicators."""

__all__: list[str] = []
