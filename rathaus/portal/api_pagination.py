"""Paging of the API's lists: ``?limit=`` and ``?offset=``, with a ceiling on the page size."""

from rest_framework.pagination import LimitOffsetPagination

API_PAGE_SIZE = 50
API_MAX_PAGE_SIZE = 200


class ApiPagination(LimitOffsetPagination):
    """50 entries a page unless ``limit`` asks otherwise, never more than 200.

    Without the ceiling any ``limit`` went into the SQL as it came; one above 2^63 - 1 made the database
    refuse the query (a server error), and a large one made a single call read a whole catalogue.
    An ``offset`` beyond the end gives an empty page before any slicing."""

    default_limit = API_PAGE_SIZE
    max_limit = API_MAX_PAGE_SIZE
