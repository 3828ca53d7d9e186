"""The pure rules of accounts: who may administer an organization, when an invitation or an
API token is still good, and the unit-subtree walk. They read nothing beyond the rows they are
given; services enforce them, selectors filter with them, views and templates ask them."""
