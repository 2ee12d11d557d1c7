"""The live session\x27s three screens: facilitator, projector, phone."""
