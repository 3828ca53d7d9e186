"""What the people pages share beyond the web toolkit (`okr_project.web`)."""

PAGE_SIZE = 25
