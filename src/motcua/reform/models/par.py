"""The PAR index (Chỉ số CCHC): criteria tree, self-assessment, appraisal, index and rank."""

__all__: list[str] = []
