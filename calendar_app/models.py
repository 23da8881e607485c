"""calendar_app models: grown by its own issue."""
