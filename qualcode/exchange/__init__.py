"""REFI-QDA exchange: `.qdpx` projects and `.qdc` codebooks, in and out.

Reading never trusts the archive (see `safe_zip`, `safe_xml`); the XML is turned into
the plain dataclasses of `refi_model` first, and only then mapped onto a project, so
a bad file stops before anything is written.
"""
