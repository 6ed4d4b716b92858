"""Staff URLs of this app for the refusal walker (rathaus/accounts/tests/test_staff_area_refusals.py).

url name -> (args, minimum role that may use it); refusal comes before any lookup, so objects need not exist.
"""

STAFF_VIEWS: dict[str, tuple[tuple[object, ...], str]] = {}
