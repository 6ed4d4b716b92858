"""Staff URLs of this app for the refusal walker (rathaus/accounts/tests/test_staff_area_refusals.py).

url name -> (args, minimum role that may use it); refusal comes before any lookup, so objects need not exist.
"""

STAFF_VIEWS: dict[str, tuple[tuple[object, ...], str]] = {
    "visits:choose": ((), "clerk"),
    "visits:day": ((1,), "clerk"),
    "visits:walk_in": ((1,), "clerk"),
    "visits:check_in": ((1,), "clerk"),
    "visits:no_show": ((1,), "clerk"),
    "visits:call_next": ((1,), "clerk"),
    "visits:ticket": ((1,), "clerk"),
    "visits:recall": ((1,), "clerk"),
    "visits:start": ((1,), "clerk"),
    "visits:finish": ((1,), "clerk"),
    "visits:left": ((1,), "clerk"),
    "visits:statistics": ((), "office_lead"),
    "visits:statistics_csv": ((), "office_lead"),
}
