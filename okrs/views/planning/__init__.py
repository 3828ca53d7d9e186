"""Planning: cycles, alignment, units, health, cycle close and grading."""
