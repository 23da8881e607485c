"""chat models: grown by its own issue."""
