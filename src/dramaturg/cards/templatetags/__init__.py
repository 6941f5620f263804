"""Template helpers of the cards app."""
