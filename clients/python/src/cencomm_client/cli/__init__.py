"""The `cencomm-client` command."""
