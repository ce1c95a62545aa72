"""The two-level demo: Đồng Nai as it is since 1 July 2025 (``motcua demo --current``;
docs/two-level-demo.md). The 2022 demo (``motcua demo``) is untouched by it."""
