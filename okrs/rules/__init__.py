"""The pure rules of the OKR domain: progress math, who may do what, who may see what, text
limits, what needs attention, and the check-in week. They read rows but never write them;
services, selectors, views and the API all ask these, nothing decides beside them."""
