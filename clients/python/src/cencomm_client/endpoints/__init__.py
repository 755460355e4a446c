"""The endpoints of the API, one mixin of `CencommClient` per domain."""
