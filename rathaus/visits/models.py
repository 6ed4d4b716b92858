"""Models of the visits app."""
