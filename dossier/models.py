"""dossier models: grown by its own issue."""
