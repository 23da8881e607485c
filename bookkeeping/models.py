"""bookkeeping models: grown by its own issue."""
