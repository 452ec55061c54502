"""The coding workbench: the only package that imports Textual."""
