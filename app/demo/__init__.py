"""The demo operation: a joint operation of six Mekong countries, loaded once."""
