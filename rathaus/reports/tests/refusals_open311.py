"""Staff URLs of the Open311 key pages for the refusal walker (merge into STAFF_VIEWS of refusals.py).

url name -> (args, minimum role that may use it); refusal comes before any lookup, so objects need not exist.
"""

STAFF_VIEWS: dict[str, tuple[tuple[object, ...], str]] = {
    "open311:staff_client_list": ((), "municipality_admin"),
    "open311:staff_client_create": ((), "municipality_admin"),
    "open311:staff_client_revoke": ((1,), "municipality_admin"),
}
