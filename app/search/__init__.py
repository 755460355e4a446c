"""The messages database search and the container number search."""
