"""Quiz questions at work: grading answers, linting items for answer cues, analysing how items did."""
