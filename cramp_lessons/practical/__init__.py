"""The logic of the practical tools (no widgets): cause finder, worked cases, red-flag checker,
prevention planner, cramp diary, relief routine."""
