"""The workbench's screens and dialogs."""
