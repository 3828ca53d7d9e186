"""The weekly loop: My OKRs, check-ins, objective and key result pages, collaboration, comments."""
